# Sourced by the tests/run-*.sh scripts that take "EVALPDF_BIN SOURCE_DIR"
# (ctest passes both): checks the arguments and sets $bin and $src as
# absolute paths. Not a test itself (the ctest glob is run-*.sh).
if [ $# -ne 2 ]; then
    echo "usage: sh $0 EVALPDF_BIN SOURCE_DIR" >&2
    exit 2
fi
bin=$1
src=$2
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
case $src in /*) ;; *) src=$(pwd)/$src ;; esac
