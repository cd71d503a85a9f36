# bash completion for apconn(1); `make install` puts it in
# $(PREFIX)/share/bash-completion/completions/apconn.
_apconn() {
    local cur prev cmd i
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            create|list|update|delete|help) cmd=${COMP_WORDS[i]}; break ;;
            --url|--ca|--timeout-ms|--retries) ((i++)) ;;
        esac
    done
    case $prev in
        --ca|--value-file|--cursor-file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --type) COMPREPLY=($(compgen -W "SECRET_TEXT BASIC_AUTH CUSTOM_AUTH OAUTH2 CLOUD_OAUTH2 PLATFORM_OAUTH2 OIDC NO_AUTH" -- "$cur")); return ;;
        --status) COMPREPLY=($(compgen -W "ACTIVE MISSING ERROR" -- "$cur")); return ;;
        --preselect) [ "$cmd" = update ] && COMPREPLY=($(compgen -W "true false" -- "$cur")); return ;;
        --url|--timeout-ms|--retries|--name|--piece|--value|--project|--external-id|--piece-version|--metadata|--limit|--cursor) return ;;
    esac
    case $cmd in
        "") COMPREPLY=($(compgen -W "create list update delete help --url --ca --timeout-ms --retries --verbose --version --help" -- "$cur")) ;;
        help) COMPREPLY=($(compgen -W "create list update delete" -- "$cur")) ;;
        create) COMPREPLY=($(compgen -W "--type --name --piece --value --value-file --project --external-id --piece-version --metadata --preselect --help" -- "$cur")) ;;
        list) COMPREPLY=($(compgen -W "--piece --name --status --limit --cursor --cursor-file --all --help" -- "$cur")) ;;
        update) COMPREPLY=($(compgen -W "--name --project --metadata --preselect --help" -- "$cur")) ;;
        delete) COMPREPLY=($(compgen -W "--help" -- "$cur")) ;;
    esac
}
complete -F _apconn apconn
