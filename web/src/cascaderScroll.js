// On a phone a cascader's columns do not all fit: after a level opens, its dropdown panel (found
// by the picker's popper class) scrolls so that the newest column is in view.
import { nextTick } from 'vue'

export function showNewestColumn(popperClass) {
  nextTick(() =>
    setTimeout(() => {
      for (const panel of document.querySelectorAll(`.${popperClass} .el-cascader-panel`)) {
        if (panel.scrollWidth > panel.clientWidth) panel.scrollTo({ left: panel.scrollWidth, behavior: 'smooth' })
      }
    }, 60),
  )
}
