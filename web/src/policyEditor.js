// A policy file (warning rules, service catalogue) edited as JSON text: the text, the server's
// Chinese refusal, and the save that keeps the old policy when the server refuses the new one.
import { ref } from 'vue'

export function usePolicyEditor({ saveToServer, invalidCode, invalidTitle, onSaved }) {
  const original = ref('')
  const text = ref('')
  const saving = ref(false)
  const saveError = ref('')
  const saveErrorTitle = ref('')
  const saved = ref('')

  function setText(value) {
    original.value = JSON.stringify(value, null, 2)
    text.value = original.value
  }

  function parse() {
    try {
      return { value: JSON.parse(text.value) }
    } catch (e) {
      return { error: e.message }
    }
  }

  function format() {
    const p = parse()
    if (p.error) {
      saveErrorTitle.value = 'JSON 格式错误'
      saveError.value = p.error
      return
    }
    text.value = JSON.stringify(p.value, null, 2)
  }

  function resetText() {
    text.value = original.value
    saveError.value = ''
  }

  async function save() {
    saveError.value = ''
    saved.value = ''
    const p = parse()
    if (p.error) {
      saveErrorTitle.value = 'JSON 格式错误，未保存'
      saveError.value = p.error
      return
    }
    saving.value = true
    try {
      saved.value = onSaved(await saveToServer(p.value), p.value)
    } catch (e) {
      saveErrorTitle.value = e.code === invalidCode ? invalidTitle : '保存失败'
      saveError.value = e.message
    } finally {
      saving.value = false
    }
  }

  return { original, text, saving, saveError, saveErrorTitle, saved, setText, format, resetText, save }
}
