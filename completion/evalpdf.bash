# bash completion for evalpdf. Commands and layout names are asked of the
# installed program itself, so new commands and the user's own layouts appear.
_evalpdf_commands() {
  evalpdf --help 2>/dev/null | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p'
}

_evalpdf_layouts() {
  evalpdf layouts 2>/dev/null | awk '{print $1}'
}

_evalpdf() {
  local cur prev words cword cmd i
  _init_completion || return

  # The command is the first word that is not an option (options may come first).
  cmd=
  for ((i = 1; i < cword; i++)); do
    case ${words[i]} in
      --root | --layout | --font-dir | -o | --output) ((i++)) ;;
      -*) ;;
      *) cmd=${words[i]}; break ;;
    esac
  done

  case $prev in
    --root | --font-dir) _filedir -d; return ;;
    --layout) COMPREPLY=($(compgen -W "$(_evalpdf_layouts)" -- "$cur")); _filedir xml; return ;;
    -o | --output) _filedir pdf; return ;;
    --diagnostics) COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
  esac
  if [[ $cur == --diagnostics=* ]]; then
    COMPREPLY=($(compgen -W "text json" -- "${cur#--diagnostics=}"))
    return
  fi
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "--strict --quiet -q --diagnostics= --root --layout --font-dir
      --output -o --dump-layout --help -h --version" -- "$cur"))
    [[ ${COMPREPLY-} == *= ]] && compopt -o nospace
    return
  fi
  case $cmd in
    '') COMPREPLY=($(compgen -W "$(_evalpdf_commands)" -- "$cur")) ;;
    help) COMPREPLY=($(compgen -W "$(_evalpdf_commands)" -- "$cur")) ;;
    layouts) ;;
    *) _filedir xml ;;
  esac
}
complete -F _evalpdf evalpdf
