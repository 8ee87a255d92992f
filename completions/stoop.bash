#!/bin/bash

__stoop_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__stoop_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__stoop_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__stoop_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_stoop() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __stoop_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    repo|rpkg|pkg|fn|sync|version|completion|help|repository|rpackage)
        # Offer subcommand argument completions
        "_stoop_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'repo rpkg pkg fn sync version completion help' -- "${cur}"))
        ;;
    esac
}

_stoop_repo() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __stoop_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    register|get|unregister|sync|guardrails|reg|ls|list|unreg|reconcile)
        # Offer subcommand argument completions
        "_stoop_repo_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'register get unregister sync guardrails' -- "${cur}"))
        ;;
    esac
}

_stoop_repo_register() {
    repeating_flags=()
    non_repeating_flags=(--create-branch --deployment --repo-password-stdin --version -h --help)
    repeating_options=()
    non_repeating_options=(--name --description --branch --directory --author --email --repo-username --repo-basic-username --repo-password --repo-basic-password --repo-bearer-token --repo-ssh-key -n --namespace --kubeconfig)
    __stoop_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--name')
        return
        ;;
    '--description')
        return
        ;;
    '--branch')
        return
        ;;
    '--directory')
        return
        ;;
    '--author')
        return
        ;;
    '--email')
        return
        ;;
    '--repo-username'|'--repo-basic-username')
        return
        ;;
    '--repo-password'|'--repo-basic-password')
        return
        ;;
    '--repo-bearer-token')
        return
        ;;
    '--repo-ssh-key')
        __stoop_add_completions -f
        return
        ;;
    '-n'|'--namespace')
        return
        ;;
    '--kubeconfig')
        return
        ;;
    esac
}

_stoop_repo_get() {
    repeating_flags=()
    non_repeating_flags=(-A --all-namespaces --no-headers --show-labels --show-kind --version -h --help)
    repeating_options=(-L --label-columns)
    non_repeating_options=(-o --output --template --sort-by --allow-missing-template-keys -l --selector -n --namespace --kubeconfig)
    __stoop_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-o'|'--output')
        __stoop_add_completions -W 'custom-columns'$'\n''custom-columns-file'$'\n''go-template'$'\n''go-template-file'$'\n''json'$'\n''jsonpath'$'\n''jsonpath-as-json'$'\n''jsonpath-file'$'\n''name'$'\n''template'$'\n''templatefile'$'\n''wide'$'\n''yaml'
        return
        ;;
    '--template')
        return
        ;;
    '-L'|'--label-columns')
        return
        ;;
    '--sort-by')
        return
        ;;
    '--allow-missing-template-keys')
        return
        ;;
    '-l'|'--selector')
        return
        ;;
    '-n'|'--namespace')
        return
        ;;
    '--kubeconfig')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __stoop_add_completions -W "$(__stoop_custom_complete ---completion repo get -- positional@0 "${COMP_CWORD}" "$(__stoop_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_stoop_repo_unregister() {
    repeating_flags=()
    non_repeating_flags=(--keep-auth-secret --version -h --help)
    repeating_options=()
    non_repeating_options=(-n --namespace --kubeconfig)
    __stoop_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--namespace')
        return
        ;;
    '--kubeconfig')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __stoop_add_completions -W "$(__stoop_custom_complete ---completion repo unregister -- positional@0 "${COMP_CWORD}" "$(__stoop_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_stoop_repo_sync() {
    repeating_flags=()
    non_repeating_flags=(--all --version -h --help)
    repeating_options=()
    non_repeating_options=(-n --namespace --kubeconfig)
    __stoop_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--namespace')
        return
        ;;
    '--kubeconfig')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __stoop_add_completions -W "$(__stoop_custom_complete ---completion repo sync -- positional@0 "${COMP_CWORD}" "$(__stoop_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_stoop_repo_guardrails() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __stoop_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    get|set|check)
        # Offer subcommand argument completions
        "_stoop_repo_guardrails_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'get set check' -- "${cur}"))
        ;;
    esac
}

_stoop_repo_guardrails_get() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-n --namespace --kubeconfig)
    __stoop_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--namespace')
        return
        ;;
    '--kubeconfig')
        return
        ;;
    esac
}

_stoop_repo_guardrails_set() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-n --namespace --kubeconfig)
    __stoop_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '-n'|'--namespace')
        return
        ;;
    '--kubeconfig')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    2)
        __stoop_add_completions -f
        return
        ;;
    esac
}

_stoop_repo_guardrails_check() {
    repeating_flags=()
    non_repeating_flags=(--allow-exec --version -h --help)
    repeating_options=()
    non_repeating_options=(--with -o --output -n --namespace --kubeconfig)
    __stoop_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--with')
        return
        ;;
    '-o'|'--output')
        __stoop_add_completions -W 'table'$'\n''yaml'$'\n''json'
        return
        ;;
    '-n'|'--namespace')
        return
        ;;
    '--kubeconfig')
        return
        ;;
    esac
}

_stoop_rpkg() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __stoop_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    get|pull|push|init|clone|copy|upgrade|propose|approve|reject|propose-delete|del|list|source|read|sink|write|edit|update|propose-del|delete)
        # Offer subcommand argument completions
        "_stoop_rpkg_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'get pull push init clone copy upgrade propose approve reject propose-delete del' -- "${cur}"))
        ;;
    esac
}

_stoop_rpkg_get() {
    repeating_flags=()
    non_repeating_flags=(--show-kptfile -A --all-namespaces --offline --no-headers --show-labels --show-kind --version -h --help)
    repeating_options=(-L --label-columns)
    non_repeating_options=(--name --revision --rev -w --workspace --ws -r --repository --repo -o --output --template --sort-by --allow-missing-template-keys -l --selector -n --namespace --kubeconfig)
    __stoop_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--name')
        __stoop_add_completions -W "$(__stoop_custom_complete ---completion rpkg get -- --name "${COMP_CWORD}" "$(__stoop_cursor_index_in_current_word)")"
        return
        ;;
    '--revision'|'--rev')
        return
        ;;
    '-w'|'--workspace'|'--ws')
        return
        ;;
    '-r'|'--repository'|'--repo')
        __stoop_add_completions -W "$(__stoop_custom_complete ---completion rpkg get -- --repository "${COMP_CWORD}" "$(__stoop_cursor_index_in_current_word)")"
        return
        ;;
    '-o'|'--output')
        __stoop_add_completions -W 'custom-columns'$'\n''custom-columns-file'$'\n''go-template'$'\n''go-template-file'$'\n''json'$'\n''jsonpath'$'\n''jsonpath-as-json'$'\n''jsonpath-file'$'\n''name'$'\n''template'$'\n''templatefile'$'\n''wide'$'\n''yaml'
        return
        ;;
    '--template')
        return
        ;;
    '-L'|'--label-columns')
        return
        ;;
    '--sort-by')
        return
        ;;
    '--allow-missing-template-keys')
        return
        ;;
    '-l'|'--selector')
        return
        ;;
    '-n'|'--namespace')
        return
        ;;
    '--kubeconfig')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __stoop_add_completions -W "$(__stoop_custom_complete ---completion rpkg get -- positional@0 "${COMP_CWORD}" "$(__stoop_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_stoop_rpkg_pull() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-n --namespace --kubeconfig)
    __stoop_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '-n'|'--namespace')
        return
        ;;
    '--kubeconfig')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __stoop_add_completions -W "$(__stoop_custom_complete ---completion rpkg pull -- positional@0 "${COMP_CWORD}" "$(__stoop_cursor_index_in_current_word)")"
        return
        ;;
    2)
        __stoop_add_completions -d
        return
        ;;
    esac
}

_stoop_rpkg_push() {
    repeating_flags=()
    non_repeating_flags=(--push-on-render-failure --allow-exec --version -h --help)
    repeating_options=()
    non_repeating_options=(-n --namespace --kubeconfig)
    __stoop_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '-n'|'--namespace')
        return
        ;;
    '--kubeconfig')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __stoop_add_completions -W "$(__stoop_custom_complete ---completion rpkg push -- positional@0 "${COMP_CWORD}" "$(__stoop_cursor_index_in_current_word)")"
        return
        ;;
    2)
        __stoop_add_completions -d
        return
        ;;
    esac
}

_stoop_rpkg_init() {
    repeating_flags=()
    non_repeating_flags=(--allow-exec --version -h --help)
    repeating_options=(--keywords)
    non_repeating_options=(--repository --workspace --revision --description --site -n --namespace --kubeconfig)
    __stoop_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--repository')
        __stoop_add_completions -W "$(__stoop_custom_complete ---completion rpkg init -- --repository "${COMP_CWORD}" "$(__stoop_cursor_index_in_current_word)")"
        return
        ;;
    '--workspace')
        return
        ;;
    '--revision')
        return
        ;;
    '--description')
        return
        ;;
    '--keywords')
        return
        ;;
    '--site')
        return
        ;;
    '-n'|'--namespace')
        return
        ;;
    '--kubeconfig')
        return
        ;;
    esac
}

_stoop_rpkg_clone() {
    repeating_flags=()
    non_repeating_flags=(--allow-exec --version -h --help)
    repeating_options=()
    non_repeating_options=(--repository --workspace --revision --directory --ref --strategy -n --namespace --kubeconfig)
    __stoop_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--repository')
        __stoop_add_completions -W "$(__stoop_custom_complete ---completion rpkg clone -- --repository "${COMP_CWORD}" "$(__stoop_cursor_index_in_current_word)")"
        return
        ;;
    '--workspace')
        return
        ;;
    '--revision')
        return
        ;;
    '--directory')
        return
        ;;
    '--ref')
        return
        ;;
    '--strategy')
        __stoop_add_completions -W 'resource-merge'$'\n''fast-forward'$'\n''force-delete-replace'$'\n''copy-merge'
        return
        ;;
    '-n'|'--namespace')
        return
        ;;
    '--kubeconfig')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __stoop_add_completions -W "$(__stoop_custom_complete ---completion rpkg clone -- positional@0 "${COMP_CWORD}" "$(__stoop_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_stoop_rpkg_copy() {
    repeating_flags=()
    non_repeating_flags=(--allow-exec --version -h --help)
    repeating_options=()
    non_repeating_options=(--workspace --revision --repository -n --namespace --kubeconfig)
    __stoop_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--workspace')
        return
        ;;
    '--revision')
        return
        ;;
    '--repository')
        __stoop_add_completions -W "$(__stoop_custom_complete ---completion rpkg copy -- --repository "${COMP_CWORD}" "$(__stoop_cursor_index_in_current_word)")"
        return
        ;;
    '-n'|'--namespace')
        return
        ;;
    '--kubeconfig')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __stoop_add_completions -W "$(__stoop_custom_complete ---completion rpkg copy -- positional@0 "${COMP_CWORD}" "$(__stoop_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_stoop_rpkg_upgrade() {
    repeating_flags=()
    non_repeating_flags=(--latest --all --allow-exec --version -h --help)
    repeating_options=(--repository)
    non_repeating_options=(--revision --workspace --strategy --on-conflict --discover --upstream -o --output -n --namespace --kubeconfig)
    __stoop_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--revision')
        return
        ;;
    '--workspace')
        return
        ;;
    '--strategy')
        __stoop_add_completions -W 'resource-merge'$'\n''fast-forward'$'\n''force-delete-replace'$'\n''copy-merge'
        return
        ;;
    '--on-conflict')
        __stoop_add_completions -W 'upstream'$'\n''local'$'\n''fail'
        return
        ;;
    '--discover')
        __stoop_add_completions -W 'upstream'$'\n''downstream'
        return
        ;;
    '--upstream')
        __stoop_add_completions -W "$(__stoop_custom_complete ---completion rpkg upgrade -- --upstream "${COMP_CWORD}" "$(__stoop_cursor_index_in_current_word)")"
        return
        ;;
    '--repository')
        __stoop_add_completions -W "$(__stoop_custom_complete ---completion rpkg upgrade -- --repository "${COMP_CWORD}" "$(__stoop_cursor_index_in_current_word)")"
        return
        ;;
    '-o'|'--output')
        __stoop_add_completions -W 'table'$'\n''wide'$'\n''yaml'$'\n''json'$'\n''name'
        return
        ;;
    '-n'|'--namespace')
        return
        ;;
    '--kubeconfig')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __stoop_add_completions -W "$(__stoop_custom_complete ---completion rpkg upgrade -- positional@0 "${COMP_CWORD}" "$(__stoop_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_stoop_rpkg_propose() {
    repeating_flags=()
    non_repeating_flags=(--allow-exec --version -h --help)
    repeating_options=()
    non_repeating_options=(-n --namespace --kubeconfig)
    __stoop_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--namespace')
        return
        ;;
    '--kubeconfig')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __stoop_add_completions -W "$(__stoop_custom_complete ---completion rpkg propose -- positional@0 "${COMP_CWORD}" "$(__stoop_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_stoop_rpkg_approve() {
    repeating_flags=()
    non_repeating_flags=(--allow-exec --version -h --help)
    repeating_options=()
    non_repeating_options=(-n --namespace --kubeconfig)
    __stoop_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--namespace')
        return
        ;;
    '--kubeconfig')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __stoop_add_completions -W "$(__stoop_custom_complete ---completion rpkg approve -- positional@0 "${COMP_CWORD}" "$(__stoop_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_stoop_rpkg_reject() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-n --namespace --kubeconfig)
    __stoop_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--namespace')
        return
        ;;
    '--kubeconfig')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __stoop_add_completions -W "$(__stoop_custom_complete ---completion rpkg reject -- positional@0 "${COMP_CWORD}" "$(__stoop_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_stoop_rpkg_propose-delete() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-n --namespace --kubeconfig)
    __stoop_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--namespace')
        return
        ;;
    '--kubeconfig')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __stoop_add_completions -W "$(__stoop_custom_complete ---completion rpkg propose-delete -- positional@0 "${COMP_CWORD}" "$(__stoop_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_stoop_rpkg_del() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-n --namespace --kubeconfig)
    __stoop_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--namespace')
        return
        ;;
    '--kubeconfig')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __stoop_add_completions -W "$(__stoop_custom_complete ---completion rpkg del -- positional@0 "${COMP_CWORD}" "$(__stoop_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_stoop_pkg() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __stoop_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    init|get|update|diff)
        # Offer subcommand argument completions
        "_stoop_pkg_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'init get update diff' -- "${cur}"))
        ;;
    esac
}

_stoop_pkg_init() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=(--keywords)
    non_repeating_options=(--description --site)
    __stoop_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--description')
        return
        ;;
    '--keywords')
        return
        ;;
    '--site')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __stoop_add_completions -d
        return
        ;;
    esac
}

_stoop_pkg_get() {
    repeating_flags=()
    non_repeating_flags=(--for-deployment --version -h --help)
    repeating_options=()
    non_repeating_options=(--strategy)
    __stoop_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--strategy')
        __stoop_add_completions -W 'resource-merge'$'\n''fast-forward'$'\n''force-delete-replace'$'\n''copy-merge'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    2)
        __stoop_add_completions -d
        return
        ;;
    esac
}

_stoop_pkg_update() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--strategy --on-conflict)
    __stoop_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--strategy')
        __stoop_add_completions -W 'resource-merge'$'\n''fast-forward'$'\n''force-delete-replace'$'\n''copy-merge'
        return
        ;;
    '--on-conflict')
        __stoop_add_completions -W 'upstream'$'\n''local'$'\n''fail'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __stoop_add_completions -d
        return
        ;;
    esac
}

_stoop_pkg_diff() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--diff-type)
    __stoop_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--diff-type')
        __stoop_add_completions -W 'local'$'\n''remote'$'\n''combined'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __stoop_add_completions -d
        return
        ;;
    esac
}

_stoop_fn() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __stoop_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    render|eval|source|sink|list|doc)
        # Offer subcommand argument completions
        "_stoop_fn_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'render eval source sink list doc' -- "${cur}"))
        ;;
    esac
}

_stoop_fn_render() {
    repeating_flags=()
    non_repeating_flags=(--allow-exec --allow-network --allow-alpha-wasm --version -h --help)
    repeating_options=()
    non_repeating_options=(-o --output --results-dir --truncate-output --image-pull-policy)
    __stoop_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-o'|'--output')
        __stoop_add_completions -W "$(__stoop_custom_complete ---completion fn render -- --output "${COMP_CWORD}" "$(__stoop_cursor_index_in_current_word)")"
        return
        ;;
    '--results-dir')
        __stoop_add_completions -d
        return
        ;;
    '--truncate-output')
        return
        ;;
    '--image-pull-policy')
        __stoop_add_completions -W 'Always'$'\n''IfNotPresent'$'\n''Never'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __stoop_add_completions -d
        return
        ;;
    esac
}

_stoop_fn_eval() {
    repeating_flags=()
    non_repeating_flags=(-s --save -m --include-meta-resources --network --as-current-user --allow-network --allow-alpha-wasm --version -h --help)
    repeating_options=(--match-labels --match-annotations --exclude-labels --exclude-annotations -e --env --mount)
    non_repeating_options=(-i --image --exec --fn-config -t --type --match-api-version --match-kind --match-name --match-namespace --exclude-api-version --exclude-kind --exclude-name --exclude-namespace -o --output --results-dir --truncate-output --image-pull-policy)
    __stoop_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-i'|'--image')
        __stoop_add_completions -W "$(__stoop_custom_complete ---completion fn eval -- --image "${COMP_CWORD}" "$(__stoop_cursor_index_in_current_word)")"
        return
        ;;
    '--exec')
        return
        ;;
    '--fn-config')
        __stoop_add_completions -f
        return
        ;;
    '-t'|'--type')
        __stoop_add_completions -W 'mutator'$'\n''validator'
        return
        ;;
    '--match-api-version')
        return
        ;;
    '--match-kind')
        return
        ;;
    '--match-name')
        return
        ;;
    '--match-namespace')
        return
        ;;
    '--match-labels')
        return
        ;;
    '--match-annotations')
        return
        ;;
    '--exclude-api-version')
        return
        ;;
    '--exclude-kind')
        return
        ;;
    '--exclude-name')
        return
        ;;
    '--exclude-namespace')
        return
        ;;
    '--exclude-labels')
        return
        ;;
    '--exclude-annotations')
        return
        ;;
    '-e'|'--env')
        return
        ;;
    '--mount')
        return
        ;;
    '-o'|'--output')
        __stoop_add_completions -W "$(__stoop_custom_complete ---completion fn eval -- --output "${COMP_CWORD}" "$(__stoop_cursor_index_in_current_word)")"
        return
        ;;
    '--results-dir')
        __stoop_add_completions -d
        return
        ;;
    '--truncate-output')
        return
        ;;
    '--image-pull-policy')
        __stoop_add_completions -W 'Always'$'\n''IfNotPresent'$'\n''Never'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __stoop_add_completions -d
        return
        ;;
    esac
}

_stoop_fn_source() {
    repeating_flags=()
    non_repeating_flags=(-m --include-meta-resources --version -h --help)
    repeating_options=()
    non_repeating_options=(--fn-config -o --output)
    __stoop_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--fn-config')
        __stoop_add_completions -f
        return
        ;;
    '-o'|'--output')
        __stoop_add_completions -W 'stdout'$'\n''unwrap'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __stoop_add_completions -d
        return
        ;;
    esac
}

_stoop_fn_sink() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __stoop_offer_flags_options 1

    # Offer positional completions
    case "${positional_number}" in
    1)
        __stoop_add_completions -d
        return
        ;;
    esac
}

_stoop_fn_list() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __stoop_offer_flags_options 0
}

_stoop_fn_doc() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-i --image)
    __stoop_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-i'|'--image')
        __stoop_add_completions -W "$(__stoop_custom_complete ---completion fn doc -- --image "${COMP_CWORD}" "$(__stoop_cursor_index_in_current_word)")"
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __stoop_add_completions -W "$(__stoop_custom_complete ---completion fn doc -- positional@0 "${COMP_CWORD}" "$(__stoop_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_stoop_sync() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __stoop_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|get|del|delete)
        # Offer subcommand argument completions
        "_stoop_sync_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create get del' -- "${cur}"))
        ;;
    esac
}

_stoop_sync_create() {
    repeating_flags=()
    non_repeating_flags=(--wait --version -h --help)
    repeating_options=()
    non_repeating_options=(--package --repository --kind --sync-namespace --pin --auth --secret-ref --delete-policy --cluster-role -o --output --timeout --to-dir --to-repository --to-path --context --kubeconfig -n --namespace)
    __stoop_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--package')
        return
        ;;
    '--repository')
        return
        ;;
    '--kind')
        __stoop_add_completions -W 'rootsync'$'\n''reposync'
        return
        ;;
    '--sync-namespace')
        return
        ;;
    '--pin')
        __stoop_add_completions -W 'tag'$'\n''commit'
        return
        ;;
    '--auth')
        __stoop_add_completions -W 'none'$'\n''ssh'$'\n''cookiefile'$'\n''gcenode'$'\n''gcpserviceaccount'$'\n''token'$'\n''githubapp'
        return
        ;;
    '--secret-ref')
        return
        ;;
    '--delete-policy')
        __stoop_add_completions -W 'foreground'$'\n''orphan'
        return
        ;;
    '--cluster-role')
        return
        ;;
    '-o'|'--output')
        return
        ;;
    '--timeout')
        return
        ;;
    '--to-dir')
        return
        ;;
    '--to-repository')
        return
        ;;
    '--to-path')
        return
        ;;
    '--context')
        return
        ;;
    '--kubeconfig')
        return
        ;;
    '-n'|'--namespace')
        return
        ;;
    esac
}

_stoop_sync_get() {
    repeating_flags=()
    non_repeating_flags=(--offline --wait --version -h --help)
    repeating_options=()
    non_repeating_options=(-o --output --timeout --to-dir --to-repository --to-path --context --kubeconfig -n --namespace)
    __stoop_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-o'|'--output')
        __stoop_add_completions -W 'table'$'\n''wide'$'\n''yaml'$'\n''json'
        return
        ;;
    '--timeout')
        return
        ;;
    '--to-dir')
        return
        ;;
    '--to-repository')
        return
        ;;
    '--to-path')
        return
        ;;
    '--context')
        return
        ;;
    '--kubeconfig')
        return
        ;;
    '-n'|'--namespace')
        return
        ;;
    esac
}

_stoop_sync_del() {
    repeating_flags=()
    non_repeating_flags=(--keep-resources --keep-auth-secret --version -h --help)
    repeating_options=()
    non_repeating_options=(--kind --sync-namespace --timeout --to-dir --to-repository --to-path --context --kubeconfig -n --namespace)
    __stoop_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--kind')
        __stoop_add_completions -W 'rootsync'$'\n''reposync'
        return
        ;;
    '--sync-namespace')
        return
        ;;
    '--timeout')
        return
        ;;
    '--to-dir')
        return
        ;;
    '--to-repository')
        return
        ;;
    '--to-path')
        return
        ;;
    '--context')
        return
        ;;
    '--kubeconfig')
        return
        ;;
    '-n'|'--namespace')
        return
        ;;
    esac
}

_stoop_version() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __stoop_offer_flags_options 0
}

_stoop_completion() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __stoop_offer_flags_options 1

    # Offer positional completions
    case "${positional_number}" in
    1)
        __stoop_add_completions -W 'bash'$'\n''zsh'$'\n''fish'
        return
        ;;
    esac
}

_stoop_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __stoop_offer_flags_options -1
}

_stoop_repository() {
    _stoop_repo "${@}"
}

_stoop_repo_reg() {
    _stoop_repo_register "${@}"
}

_stoop_repo_ls() {
    _stoop_repo_get "${@}"
}

_stoop_repo_list() {
    _stoop_repo_get "${@}"
}

_stoop_repo_unreg() {
    _stoop_repo_unregister "${@}"
}

_stoop_repo_reconcile() {
    _stoop_repo_sync "${@}"
}

_stoop_rpackage() {
    _stoop_rpkg "${@}"
}

_stoop_rpkg_list() {
    _stoop_rpkg_get "${@}"
}

_stoop_rpkg_source() {
    _stoop_rpkg_pull "${@}"
}

_stoop_rpkg_read() {
    _stoop_rpkg_pull "${@}"
}

_stoop_rpkg_sink() {
    _stoop_rpkg_push "${@}"
}

_stoop_rpkg_write() {
    _stoop_rpkg_push "${@}"
}

_stoop_rpkg_edit() {
    _stoop_rpkg_copy "${@}"
}

_stoop_rpkg_update() {
    _stoop_rpkg_upgrade "${@}"
}

_stoop_rpkg_propose-del() {
    _stoop_rpkg_propose-delete "${@}"
}

_stoop_rpkg_delete() {
    _stoop_rpkg_del "${@}"
}

_stoop_sync_delete() {
    _stoop_sync_del "${@}"
}

complete -o filenames -F _stoop stoop
