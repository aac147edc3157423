# What `cmake --install` puts beside the binary, and the Debian package CPack builds from it.
#
# The man page and the completions are generated at build time by the binary just built
# (`rootlock man`, `rootlock completion SHELL`), from the same command registry as --help
# (src/cli/command.h), so the installed files cannot drift from the binary.
#
#   cmake --install build [--prefix DIR]
#     DIR/bin/rootlock, DIR/bin/kubectl-rootlock (a link: the kubectl plugin)
#     DIR/share/man/man1/rootlock.1.gz (and kubectl-rootlock.1.gz, a link)
#     DIR/share/bash-completion/completions/rootlock
#     DIR/share/zsh/vendor-completions/_rootlock
#     DIR/share/fish/vendor_completions.d/rootlock.fish
#     DIR/share/doc/rootlock/{copyright,changelog.Debian.gz}
#   cd build && cpack -G DEB     -> rootlock_VERSION-RELEASE_amd64.deb
include(GNUInstallDirs)

set(ROOTLOCK_MAINTAINER "rootlock maintainers <maintainers@rootlock.dev>" CACHE STRING
    "The Debian package's Maintainer (and the changelog's signature)")
set(ROOTLOCK_LICENSE "Apache-2.0" CACHE STRING
    "The license named in the package's copyright file (a /usr/share/common-licenses name)")
set(ROOTLOCK_COPYRIGHT "2026 the rootlock authors" CACHE STRING
    "The package's copyright line")
set(ROOTLOCK_DEB_RELEASE 1 CACHE STRING "The Debian revision of the package")
set(ROOTLOCK_DEB_VERSION "${PROJECT_VERSION}-${ROOTLOCK_DEB_RELEASE}")

find_program(GZIP_EXECUTABLE gzip REQUIRED)
set(gen ${CMAKE_CURRENT_BINARY_DIR}/share)
file(MAKE_DIRECTORY ${gen})
set(ROOTLOCK_GENERATED_FILES
    ${gen}/rootlock.1.gz ${gen}/rootlock.bash ${gen}/_rootlock ${gen}/rootlock.fish)
# gzip -n: no name or time stamp in the header, so the package is reproducible.
add_custom_command(
  OUTPUT ${ROOTLOCK_GENERATED_FILES}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${gen}
  COMMAND sh -c "\"$1\" man | \"$2\" -9n > \"$3\"/rootlock.1.gz" sh $<TARGET_FILE:rootlock>
          ${GZIP_EXECUTABLE} ${gen}
  COMMAND sh -c "\"$1\" completion bash > \"$2\"/rootlock.bash" sh $<TARGET_FILE:rootlock> ${gen}
  COMMAND sh -c "\"$1\" completion zsh > \"$2\"/_rootlock" sh $<TARGET_FILE:rootlock> ${gen}
  COMMAND sh -c "\"$1\" completion fish > \"$2\"/rootlock.fish" sh $<TARGET_FILE:rootlock> ${gen}
  DEPENDS rootlock
  COMMENT "Generating rootlock(1) and the bash, zsh and fish completions"
  VERBATIM)
add_custom_target(rootlock_docs ALL DEPENDS ${ROOTLOCK_GENERATED_FILES})

# The changelog is dated by the commit (reproducible), else by the configure time.
execute_process(COMMAND git -C ${PROJECT_SOURCE_DIR} log -1 --format=%cD
                OUTPUT_VARIABLE ROOTLOCK_CHANGELOG_DATE OUTPUT_STRIP_TRAILING_WHITESPACE
                ERROR_QUIET)
if(NOT ROOTLOCK_CHANGELOG_DATE)
  string(TIMESTAMP ROOTLOCK_CHANGELOG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
endif()
configure_file(packaging/debian/copyright.in ${gen}/copyright @ONLY)
configure_file(packaging/debian/changelog.in ${gen}/changelog.Debian @ONLY)
add_custom_command(
  OUTPUT ${gen}/changelog.Debian.gz
  COMMAND sh -c "\"$1\" -9n < \"$2\"/changelog.Debian > \"$2\"/changelog.Debian.gz"
          sh ${GZIP_EXECUTABLE} ${gen}
  DEPENDS ${gen}/changelog.Debian
  VERBATIM)
add_custom_target(rootlock_changelog ALL DEPENDS ${gen}/changelog.Debian.gz)

# kubectl-rootlock: kubectl's plugin discovery finds it on PATH, and rootlock called by that
# name runs its k8s command (`kubectl rootlock -n shop`); its man page is rootlock's.
file(CREATE_LINK rootlock ${gen}/kubectl-rootlock SYMBOLIC)
file(CREATE_LINK rootlock.1.gz ${gen}/kubectl-rootlock.1.gz SYMBOLIC)
install(TARGETS rootlock RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${gen}/kubectl-rootlock DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${gen}/rootlock.1.gz ${gen}/kubectl-rootlock.1.gz
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${gen}/rootlock.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME rootlock)
install(FILES ${gen}/_rootlock DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${gen}/rootlock.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
install(FILES ${gen}/copyright ${gen}/changelog.Debian.gz
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/rootlock)

# cpack -G DEB. Dependencies come from dpkg-shlibdeps on the binary (needs dpkg-dev), never
# from a hand-written list.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME rootlock)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${ROOTLOCK_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "find, explain and fix containers whose root filesystem is writable")
# The synopsis is the summary above; this is the long description under it.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "rootlock judges whether containers run with a read-only root filesystem (the
control behind AWS Security Hub ECS.5 and CIS Docker Benchmark 5.12), and the
rules next to it (privileged, host PID, root user), in Kubernetes manifests,
ECS task definitions (JSON, CloudFormation, Terraform), Docker Compose files
and docker inspect output, and live in a Docker engine or an AWS account. It
gives the exact file:line:col of every verdict, reports as text, JSON, SARIF,
JUnit, ASFF, PolicyReport, GitLab Code Quality, Markdown or HTML, and writes
the remedy into the files (rootlock fix).")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${ROOTLOCK_HOMEPAGE}")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${ROOTLOCK_DEB_RELEASE})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # rootlock_0.1.0-1_amd64.deb
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_STRIP_FILES ON)  # the debug info stays in the build tree
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_SET_DESTDIR OFF)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/package)
include(CPack)
