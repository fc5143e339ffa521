# Installed development files and documentation: the pkg-config file, the CMake
# package (evalpdf::evalpdf), man pages and shell completion. Every path is
# relative to the installed prefix, so the prefix can be moved.
include(CMakePackageConfigHelpers)

# pkg-config: the prefix is computed from the .pc file's own folder (${pcfiledir}).
set(EVALPDF_PKGCONFIG_DIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
file(RELATIVE_PATH EVALPDF_PREFIX_FROM_PCDIR "${CMAKE_INSTALL_PREFIX}/${EVALPDF_PKGCONFIG_DIR}"
     "${CMAKE_INSTALL_PREFIX}")
string(REGEX REPLACE "/$" "" EVALPDF_PREFIX_FROM_PCDIR "${EVALPDF_PREFIX_FROM_PCDIR}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/evalpdf.pc.in ${PROJECT_BINARY_DIR}/evalpdf.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/evalpdf.pc DESTINATION ${EVALPDF_PKGCONFIG_DIR})

# CMake package: find_package(evalpdf) gives evalpdf::evalpdf (and evalpdf::evalpdf_static
# when both kinds are installed).
set(EVALPDF_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/evalpdf")
install(EXPORT evalpdfTargets NAMESPACE evalpdf:: DESTINATION ${EVALPDF_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/evalpdfConfig.cmake.in
  ${PROJECT_BINARY_DIR}/evalpdfConfig.cmake INSTALL_DESTINATION ${EVALPDF_CMAKE_DIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_DATADIR)
# While the major version is 0 a minor release may change the API: same minor only.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(EVALPDF_COMPAT SameMinorVersion)
else()
  set(EVALPDF_COMPAT SameMajorVersion)
endif()
write_basic_package_version_file(${PROJECT_BINARY_DIR}/evalpdfConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY ${EVALPDF_COMPAT})
install(FILES ${PROJECT_BINARY_DIR}/evalpdfConfig.cmake ${PROJECT_BINARY_DIR}/evalpdfConfigVersion.cmake
  DESTINATION ${EVALPDF_CMAKE_DIR})

# Man pages and shell completion.
configure_file(${PROJECT_SOURCE_DIR}/man/evalpdf.1.in ${PROJECT_BINARY_DIR}/man/evalpdf.1 @ONLY)
configure_file(${PROJECT_SOURCE_DIR}/man/evalpdf-layout.5.in ${PROJECT_BINARY_DIR}/man/evalpdf-layout.5 @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/man/evalpdf.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_BINARY_DIR}/man/evalpdf-layout.5 DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES ${PROJECT_SOURCE_DIR}/completion/evalpdf.bash
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME evalpdf)
install(FILES ${PROJECT_SOURCE_DIR}/completion/_evalpdf
  DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/site-functions)
