# Writes a C++ source that holds every migrations/<backend>/NNNN_title.sql file as a string, so the
# binary carries its own schema. Usage: cmake -DBACKEND=sqlite -DSOURCE_DIR=… -DOUTPUT=… -P this.
file(GLOB files "${SOURCE_DIR}/migrations/${BACKEND}/*.sql")
list(SORT files)
set(body "")
foreach(path IN LISTS files)
  get_filename_component(name "${path}" NAME_WE)
  file(READ "${path}" sql)
  string(APPEND body "    {\"${name}\", R\"tongan_sql(${sql})tongan_sql\"},\n")
endforeach()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from migrations/${BACKEND}/*.sql; do not edit.\n"
  "#include \"store/migrations.h\"\n\n"
  "namespace tongan {\n\n"
  "const std::vector<Migration>& ${BACKEND}_migrations() {\n"
  "  static const std::vector<Migration> migrations = {\n${body}  };\n"
  "  return migrations;\n}\n\n}  // namespace tongan\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUTPUT}.tmp" "${OUTPUT}")
