function __stoop_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __stoop_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __stoop_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __stoop_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __stoop_parse_tokens -S
    set -l unparsed_tokens (__stoop_tokens -pc)
    switch $unparsed_tokens[1]
    case 'stoop'
        __stoop_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'repo'
            __stoop_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'register'
                __stoop_parse_subcommand 1 'name=' 'description=' 'branch=' 'create-branch' 'directory=' 'author=' 'email=' 'deployment' 'repo-username=' 'repo-password=' 'repo-password-stdin' 'repo-bearer-token=' 'repo-ssh-key=' 'n/namespace=' 'kubeconfig=' 'version' 'h/help'
            case 'get'
                __stoop_parse_subcommand -r 1 'A/all-namespaces' 'o/output=' 'template=' 'no-headers' 'show-labels' 'L/label-columns=+' 'show-kind' 'sort-by=' 'allow-missing-template-keys=' 'l/selector=' 'n/namespace=' 'kubeconfig=' 'version' 'h/help'
            case 'unregister'
                __stoop_parse_subcommand 1 'keep-auth-secret' 'n/namespace=' 'kubeconfig=' 'version' 'h/help'
            case 'sync'
                __stoop_parse_subcommand -r 1 'all' 'n/namespace=' 'kubeconfig=' 'version' 'h/help'
            case 'guardrails'
                __stoop_parse_subcommand 0 'version' 'h/help'
                switch $unparsed_tokens[1]
                case 'get'
                    __stoop_parse_subcommand 1 'n/namespace=' 'kubeconfig=' 'version' 'h/help'
                case 'set'
                    __stoop_parse_subcommand 2 'n/namespace=' 'kubeconfig=' 'version' 'h/help'
                case 'check'
                    __stoop_parse_subcommand 1 'with=' 'o/output=' 'allow-exec' 'n/namespace=' 'kubeconfig=' 'version' 'h/help'
                end
            end
        case 'rpkg'
            __stoop_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'get'
                __stoop_parse_subcommand -r 1 'name=' 'revision=' 'w/workspace=' 'r/repository=' 'show-kptfile' 'A/all-namespaces' 'offline' 'o/output=' 'template=' 'no-headers' 'show-labels' 'L/label-columns=+' 'show-kind' 'sort-by=' 'allow-missing-template-keys=' 'l/selector=' 'n/namespace=' 'kubeconfig=' 'version' 'h/help'
            case 'pull'
                __stoop_parse_subcommand 2 'n/namespace=' 'kubeconfig=' 'version' 'h/help'
            case 'push'
                __stoop_parse_subcommand 2 'push-on-render-failure' 'allow-exec' 'n/namespace=' 'kubeconfig=' 'version' 'h/help'
            case 'init'
                __stoop_parse_subcommand 1 'repository=' 'workspace=' 'revision=' 'description=' 'keywords=+' 'site=' 'allow-exec' 'n/namespace=' 'kubeconfig=' 'version' 'h/help'
            case 'clone'
                __stoop_parse_subcommand 2 'repository=' 'workspace=' 'revision=' 'directory=' 'ref=' 'strategy=' 'allow-exec' 'n/namespace=' 'kubeconfig=' 'version' 'h/help'
            case 'copy'
                __stoop_parse_subcommand 2 'workspace=' 'revision=' 'repository=' 'allow-exec' 'n/namespace=' 'kubeconfig=' 'version' 'h/help'
            case 'upgrade'
                __stoop_parse_subcommand -r 1 'revision=' 'latest' 'workspace=' 'strategy=' 'on-conflict=' 'discover=' 'all' 'upstream=' 'repository=+' 'o/output=' 'allow-exec' 'n/namespace=' 'kubeconfig=' 'version' 'h/help'
            case 'propose'
                __stoop_parse_subcommand -r 1 'allow-exec' 'n/namespace=' 'kubeconfig=' 'version' 'h/help'
            case 'approve'
                __stoop_parse_subcommand -r 1 'allow-exec' 'n/namespace=' 'kubeconfig=' 'version' 'h/help'
            case 'reject'
                __stoop_parse_subcommand -r 1 'n/namespace=' 'kubeconfig=' 'version' 'h/help'
            case 'propose-delete'
                __stoop_parse_subcommand -r 1 'n/namespace=' 'kubeconfig=' 'version' 'h/help'
            case 'del'
                __stoop_parse_subcommand -r 1 'n/namespace=' 'kubeconfig=' 'version' 'h/help'
            end
        case 'pkg'
            __stoop_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'init'
                __stoop_parse_subcommand 1 'description=' 'keywords=+' 'site=' 'version' 'h/help'
            case 'get'
                __stoop_parse_subcommand 2 'strategy=' 'for-deployment' 'version' 'h/help'
            case 'update'
                __stoop_parse_subcommand 1 'strategy=' 'on-conflict=' 'version' 'h/help'
            case 'diff'
                __stoop_parse_subcommand 1 'diff-type=' 'version' 'h/help'
            end
        case 'fn'
            __stoop_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'render'
                __stoop_parse_subcommand 1 'allow-exec' 'o/output=' 'results-dir=' 'truncate-output=' 'image-pull-policy=' 'allow-network' 'allow-alpha-wasm' 'version' 'h/help'
            case 'eval'
                __stoop_parse_subcommand -r 2 'i/image=' 'exec=' 'fn-config=' 's/save' 't/type=' 'match-api-version=' 'match-kind=' 'match-name=' 'match-namespace=' 'match-labels=+' 'match-annotations=+' 'exclude-api-version=' 'exclude-kind=' 'exclude-name=' 'exclude-namespace=' 'exclude-labels=+' 'exclude-annotations=+' 'm/include-meta-resources' 'network' 'e/env=+' 'mount=+' 'as-current-user' 'o/output=' 'results-dir=' 'truncate-output=' 'image-pull-policy=' 'allow-network' 'allow-alpha-wasm' 'version' 'h/help'
            case 'source'
                __stoop_parse_subcommand 1 'fn-config=' 'o/output=' 'm/include-meta-resources' 'version' 'h/help'
            case 'sink'
                __stoop_parse_subcommand 1 'version' 'h/help'
            case 'list'
                __stoop_parse_subcommand 0 'version' 'h/help'
            case 'doc'
                __stoop_parse_subcommand 1 'version' 'h/help'
            end
        case 'help'
            __stoop_parse_subcommand -r 1 'version'
        end
    end
end

function __stoop_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __stoop_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __stoop_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __stoop_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__stoop_tokens -p)
    if test -z "$(__stoop_tokens -t)"
        set -l index (count (__stoop_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'stoop' -f
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop" -eq 1' -fa 'repo' -d 'Register, list, sync and unregister git repositories of packages.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop" -eq 1' -fa 'rpkg' -d 'Work with package revisions stored in registered repositories.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop" -eq 1' -fa 'pkg' -d 'Work with package directories on this disk, as kpt\'s pkg group does.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop" -eq 1' -fa 'fn' -d 'Work with KRM functions and ResourceLists.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop repo" -eq 1' -fa 'register' -d 'Register a git repository: clone it and check its branch.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop repo" -eq 1' -fa 'get' -d 'List registered repositories.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop repo" -eq 1' -fa 'unregister' -d 'Remove a registration, its clone and (unless kept) its credentials.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop repo" -eq 1' -fa 'sync' -d 'Fetch registered repositories now and report the refs that changed.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop repo" -eq 1' -fa 'guardrails' -d 'Show, set and try a repository\'s guardrails (its mutators and validators).'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo register" name' -l 'name' -d 'Registration name (default: the URL\'s last segment without .git).' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo register" description' -l 'description' -d 'A description of the repository.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo register" branch' -l 'branch' -d 'The branch holding published packages.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo register" create-branch' -l 'create-branch' -d 'Create the branch when the repository does not have it.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo register" directory' -l 'directory' -d 'The directory of the repository that holds packages.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo register" author' -l 'author' -d 'Author name of the commits stoop writes here (default: git\'s user.name).' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo register" email' -l 'email' -d 'Author email of the commits stoop writes here (default: git\'s user.email).' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo register" deployment' -l 'deployment' -d 'Packages of this repository are deployed (deployment repository).'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo register" repo-basic-username repo-username' -l 'repo-username' -l 'repo-basic-username' -d 'Username for the remote.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo register" repo-basic-password repo-password' -l 'repo-password' -l 'repo-basic-password' -d 'Password or token for the remote.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo register" repo-password-stdin' -l 'repo-password-stdin' -d 'Read the password or token from standard input.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo register" repo-bearer-token' -l 'repo-bearer-token' -d 'A bearer token for an https remote.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo register" repo-ssh-key' -l 'repo-ssh-key' -d 'A private key file for an ssh remote (default: the ssh agent).' -rF
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo register" n namespace' -s 'n' -l 'namespace' -d 'The namespace of the registration.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo register" kubeconfig' -l 'kubeconfig' -d 'Accepted and ignored (stoop reads git, not a cluster), as are --context, --cluster, --user, -s/--server and kubectl\'s other client flags.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo register" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo register" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo get" A all-namespaces' -s 'A' -l 'all-namespaces' -d 'List registrations of every namespace.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo get" o output' -s 'o' -l 'output' -d 'Output format: one of custom-columns, custom-columns-file, go-template, go-template-file, json, jsonpath, jsonpath-as-json, jsonpath-file, name, template, templatefile, wide, yaml.' -rfka 'custom-columns custom-columns-file go-template go-template-file json jsonpath jsonpath-as-json jsonpath-file name template templatefile wide yaml'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo get" template' -l 'template' -d 'The template of -o jsonpath or -o go-template (go-template when -o is absent).' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo get" no-headers' -l 'no-headers' -d 'Without the header line (tables and custom columns).'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo get" show-labels' -l 'show-labels' -d 'Add a LABELS column with every label.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo get"' -s 'L' -l 'label-columns' -d 'Add a column per label key (comma separated, repeatable).' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo get" show-kind' -l 'show-kind' -d 'Prefix names with their resource (packagerevision.porch.kpt.dev/...).'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo get" sort-by' -l 'sort-by' -d 'Sort by the value at this JSONPath (.metadata.name).' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo get" allow-missing-template-keys' -l 'allow-missing-template-keys' -d 'Print nothing (true) or fail (false) when a template names a missing field.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo get" l selector' -s 'l' -l 'selector' -d 'Only objects whose labels match (key=value, key!=value, key in (a,b), key, !key; comma means and).' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo get" n namespace' -s 'n' -l 'namespace' -d 'The namespace of the registration.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo get" kubeconfig' -l 'kubeconfig' -d 'Accepted and ignored (stoop reads git, not a cluster), as are --context, --cluster, --user, -s/--server and kubectl\'s other client flags.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo get" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo get" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo unregister" keep-auth-secret' -l 'keep-auth-secret' -d 'Keep the credentials (moved to the config directory\'s credentials/).'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo unregister" n namespace' -s 'n' -l 'namespace' -d 'The namespace of the registration.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo unregister" kubeconfig' -l 'kubeconfig' -d 'Accepted and ignored (stoop reads git, not a cluster), as are --context, --cluster, --user, -s/--server and kubectl\'s other client flags.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo unregister" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo unregister" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo sync" all' -l 'all' -d 'Sync every registration of the namespace.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo sync" n namespace' -s 'n' -l 'namespace' -d 'The namespace of the registration.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo sync" kubeconfig' -l 'kubeconfig' -d 'Accepted and ignored (stoop reads git, not a cluster), as are --context, --cluster, --user, -s/--server and kubectl\'s other client flags.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo sync" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo sync" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo guardrails" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo guardrails" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop repo guardrails" -eq 1' -fa 'get' -d 'Print a repository\'s guardrails.yaml as its registered branch holds it.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop repo guardrails" -eq 1' -fa 'set' -d 'Check a guardrails file and commit it to a repository\'s registered branch.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop repo guardrails" -eq 1' -fa 'check' -d 'Run guardrails on the latest published revision of every package; write nothing.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo guardrails get" n namespace' -s 'n' -l 'namespace' -d 'The namespace of the registration.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo guardrails get" kubeconfig' -l 'kubeconfig' -d 'Accepted and ignored (stoop reads git, not a cluster), as are --context, --cluster, --user, -s/--server and kubectl\'s other client flags.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo guardrails get" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo guardrails get" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop repo guardrails set" -eq 1' -F
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo guardrails set" n namespace' -s 'n' -l 'namespace' -d 'The namespace of the registration.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo guardrails set" kubeconfig' -l 'kubeconfig' -d 'Accepted and ignored (stoop reads git, not a cluster), as are --context, --cluster, --user, -s/--server and kubectl\'s other client flags.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo guardrails set" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo guardrails set" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo guardrails check" with' -l 'with' -d 'A guardrails file to check instead of the current one.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo guardrails check" o output' -s 'o' -l 'output' -d 'Output format: table, yaml or json.' -rfka 'table yaml json'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo guardrails check" allow-exec' -l 'allow-exec' -d 'Run the exec functions of the repository\'s guardrails (programs on this machine); without it a step that needs one is refused.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo guardrails check" n namespace' -s 'n' -l 'namespace' -d 'The namespace of the registration.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo guardrails check" kubeconfig' -l 'kubeconfig' -d 'Accepted and ignored (stoop reads git, not a cluster), as are --context, --cluster, --user, -s/--server and kubectl\'s other client flags.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo guardrails check" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop repo guardrails check" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop rpkg" -eq 1' -fa 'get' -d 'List package revisions of the registered repositories.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop rpkg" -eq 1' -fa 'pull' -d 'Read a package revision\'s files into a new directory, or as a ResourceList on stdout.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop rpkg" -eq 1' -fa 'push' -d 'Replace a Draft\'s files with a directory\'s, or with a ResourceList from stdin (-).'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop rpkg" -eq 1' -fa 'init' -d 'Create a new package as a Draft (kpt\'s Kptfile, package-context.yaml and README.md).'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop rpkg" -eq 1' -fa 'clone' -d 'Create a new package as a Draft, cloned from an upstream package.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop rpkg" -eq 1' -fa 'copy' -d 'Start a new Draft of a package from one of its published revisions.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop rpkg" -eq 1' -fa 'upgrade' -d 'Start a new Draft of a downstream package on a newer revision of its upstream.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop rpkg" -eq 1' -fa 'propose' -d 'Propose Draft package revisions for approval.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop rpkg" -eq 1' -fa 'approve' -d 'Approve Proposed package revisions: publish them as the next vN.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop rpkg" -eq 1' -fa 'reject' -d 'Send Proposed revisions back to Draft, or cancel a proposed deletion.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop rpkg" -eq 1' -fa 'propose-delete' -d 'Propose Published package revisions for deletion.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop rpkg" -eq 1' -fa 'del' -d 'Delete Draft or Proposed revisions, or revisions proposed for deletion.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg get" name' -l 'name' -d 'Show only revisions of this package (its path in the repository): the package of exactly this name, or, when there is none, every package whose name contains it.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg get" rev revision' -l 'revision' -l 'rev' -d 'Show only this revision: a number (2), its tag form (v2), or -2 for any.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg get" w workspace ws' -s 'w' -l 'workspace' -l 'ws' -d 'Show only revisions with this workspace.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg get" r repo repository' -s 'r' -l 'repository' -l 'repo' -d 'Show only revisions in this repository.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg get" show-kptfile' -l 'show-kptfile' -d 'Print the root Kptfile of the one package revision named, as stored.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg get" A all-namespaces' -s 'A' -l 'all-namespaces' -d 'List package revisions of every namespace.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg get" offline' -l 'offline' -d 'Read the local clones without fetching.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg get" o output' -s 'o' -l 'output' -d 'Output format: one of custom-columns, custom-columns-file, go-template, go-template-file, json, jsonpath, jsonpath-as-json, jsonpath-file, name, template, templatefile, wide, yaml.' -rfka 'custom-columns custom-columns-file go-template go-template-file json jsonpath jsonpath-as-json jsonpath-file name template templatefile wide yaml'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg get" template' -l 'template' -d 'The template of -o jsonpath or -o go-template (go-template when -o is absent).' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg get" no-headers' -l 'no-headers' -d 'Without the header line (tables and custom columns).'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg get" show-labels' -l 'show-labels' -d 'Add a LABELS column with every label.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg get"' -s 'L' -l 'label-columns' -d 'Add a column per label key (comma separated, repeatable).' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg get" show-kind' -l 'show-kind' -d 'Prefix names with their resource (packagerevision.porch.kpt.dev/...).'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg get" sort-by' -l 'sort-by' -d 'Sort by the value at this JSONPath (.metadata.name).' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg get" allow-missing-template-keys' -l 'allow-missing-template-keys' -d 'Print nothing (true) or fail (false) when a template names a missing field.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg get" l selector' -s 'l' -l 'selector' -d 'Only objects whose labels match (key=value, key!=value, key in (a,b), key, !key; comma means and).' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg get" n namespace' -s 'n' -l 'namespace' -d 'The namespace of the registration.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg get" kubeconfig' -l 'kubeconfig' -d 'Accepted and ignored (stoop reads git, not a cluster), as are --context, --cluster, --user, -s/--server and kubectl\'s other client flags.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg get" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg get" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop rpkg pull" -eq 1' -fa '(__stoop_complete_directories)'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg pull" n namespace' -s 'n' -l 'namespace' -d 'The namespace of the registration.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg pull" kubeconfig' -l 'kubeconfig' -d 'Accepted and ignored (stoop reads git, not a cluster), as are --context, --cluster, --user, -s/--server and kubectl\'s other client flags.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg pull" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg pull" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop rpkg push" -eq 1' -fa '(__stoop_complete_directories)'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg push" push-on-render-failure' -l 'push-on-render-failure' -d 'Push the files even when rendering them fails.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg push" allow-exec' -l 'allow-exec' -d 'Run the exec functions of the repository\'s guardrails (programs on this machine); without it a step that needs one is refused.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg push" n namespace' -s 'n' -l 'namespace' -d 'The namespace of the registration.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg push" kubeconfig' -l 'kubeconfig' -d 'Accepted and ignored (stoop reads git, not a cluster), as are --context, --cluster, --user, -s/--server and kubectl\'s other client flags.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg push" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg push" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg init" repository' -l 'repository' -d 'The registered repository to create it in.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg init" workspace' -l 'workspace' -d 'The workspace of the new revision.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg init" revision' -l 'revision' -d 'Older form: names the workspace when --workspace is absent.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg init" description' -l 'description' -d 'The package description.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg init"' -l 'keywords' -d 'Keywords (space or comma separated).' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg init" site' -l 'site' -d 'The package\'s site.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg init" allow-exec' -l 'allow-exec' -d 'Run the exec functions of the repository\'s guardrails (programs on this machine); without it a step that needs one is refused.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg init" n namespace' -s 'n' -l 'namespace' -d 'The namespace of the registration.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg init" kubeconfig' -l 'kubeconfig' -d 'Accepted and ignored (stoop reads git, not a cluster), as are --context, --cluster, --user, -s/--server and kubectl\'s other client flags.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg init" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg init" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg clone" repository' -l 'repository' -d 'The registered repository to create it in.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg clone" workspace' -l 'workspace' -d 'The workspace of the new revision (default v1).' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg clone" revision' -l 'revision' -d 'Older form: names the workspace when --workspace is absent.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg clone" directory' -l 'directory' -d 'For a git upstream: the package\'s directory in it.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg clone" ref' -l 'ref' -d 'For a git upstream: a tag, branch or commit.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg clone" strategy' -l 'strategy' -d 'Record an update strategy in upstream: resource-merge, fast-forward, force-delete-replace or copy-merge.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg clone" allow-exec' -l 'allow-exec' -d 'Run the exec functions of the repository\'s guardrails (programs on this machine); without it a step that needs one is refused.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg clone" n namespace' -s 'n' -l 'namespace' -d 'The namespace of the registration.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg clone" kubeconfig' -l 'kubeconfig' -d 'Accepted and ignored (stoop reads git, not a cluster), as are --context, --cluster, --user, -s/--server and kubectl\'s other client flags.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg clone" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg clone" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg copy" workspace' -l 'workspace' -d 'The workspace of the new revision.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg copy" revision' -l 'revision' -d 'Older form: names the workspace when --workspace is absent.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg copy" repository' -l 'repository' -d 'Older form: the repository, which must be the source\'s.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg copy" allow-exec' -l 'allow-exec' -d 'Run the exec functions of the repository\'s guardrails (programs on this machine); without it a step that needs one is refused.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg copy" n namespace' -s 'n' -l 'namespace' -d 'The namespace of the registration.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg copy" kubeconfig' -l 'kubeconfig' -d 'Accepted and ignored (stoop reads git, not a cluster), as are --context, --cluster, --user, -s/--server and kubectl\'s other client flags.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg copy" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg copy" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg upgrade" revision' -l 'revision' -d 'The upstream revision to move to (default: the newest published one).' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg upgrade" latest' -l 'latest' -d 'Move to the newest published upstream revision (the default).'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg upgrade" workspace' -l 'workspace' -d 'The workspace of the new revision.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg upgrade" strategy' -l 'strategy' -d 'resource-merge (default), fast-forward, force-delete-replace or copy-merge.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg upgrade" on-conflict' -l 'on-conflict' -d 'Who wins a conflict: upstream (default), local or fail.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg upgrade" discover' -l 'discover' -d 'List what can be upgraded instead: upstream or downstream.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg upgrade" all' -l 'all' -d 'Upgrade every downstream package of --upstream.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg upgrade" upstream' -l 'upstream' -d 'With --all: the upstream package whose downstream packages to upgrade.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg upgrade"' -l 'repository' -d 'With --all: only downstream packages in this repository (repeatable).' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg upgrade" o output' -s 'o' -l 'output' -d 'Output format of --discover and --all: table, yaml or json.' -rfka 'table wide yaml json name'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg upgrade" allow-exec' -l 'allow-exec' -d 'Run the exec functions of the repository\'s guardrails (programs on this machine); without it a step that needs one is refused.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg upgrade" n namespace' -s 'n' -l 'namespace' -d 'The namespace of the registration.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg upgrade" kubeconfig' -l 'kubeconfig' -d 'Accepted and ignored (stoop reads git, not a cluster), as are --context, --cluster, --user, -s/--server and kubectl\'s other client flags.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg upgrade" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg upgrade" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg propose" allow-exec' -l 'allow-exec' -d 'Run the exec functions of the repository\'s guardrails (programs on this machine); without it a step that needs one is refused.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg propose" n namespace' -s 'n' -l 'namespace' -d 'The namespace of the registration.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg propose" kubeconfig' -l 'kubeconfig' -d 'Accepted and ignored (stoop reads git, not a cluster), as are --context, --cluster, --user, -s/--server and kubectl\'s other client flags.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg propose" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg propose" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg approve" allow-exec' -l 'allow-exec' -d 'Run the exec functions of the repository\'s guardrails (programs on this machine); without it a step that needs one is refused.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg approve" n namespace' -s 'n' -l 'namespace' -d 'The namespace of the registration.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg approve" kubeconfig' -l 'kubeconfig' -d 'Accepted and ignored (stoop reads git, not a cluster), as are --context, --cluster, --user, -s/--server and kubectl\'s other client flags.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg approve" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg approve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg reject" n namespace' -s 'n' -l 'namespace' -d 'The namespace of the registration.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg reject" kubeconfig' -l 'kubeconfig' -d 'Accepted and ignored (stoop reads git, not a cluster), as are --context, --cluster, --user, -s/--server and kubectl\'s other client flags.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg reject" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg reject" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg propose-delete" n namespace' -s 'n' -l 'namespace' -d 'The namespace of the registration.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg propose-delete" kubeconfig' -l 'kubeconfig' -d 'Accepted and ignored (stoop reads git, not a cluster), as are --context, --cluster, --user, -s/--server and kubectl\'s other client flags.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg propose-delete" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg propose-delete" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg del" n namespace' -s 'n' -l 'namespace' -d 'The namespace of the registration.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg del" kubeconfig' -l 'kubeconfig' -d 'Accepted and ignored (stoop reads git, not a cluster), as are --context, --cluster, --user, -s/--server and kubectl\'s other client flags.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg del" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop rpkg del" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop pkg" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop pkg" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop pkg" -eq 1' -fa 'init' -d 'Make a directory a kpt package: Kptfile, package-context.yaml and README.md.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop pkg" -eq 1' -fa 'get' -d 'Fetch a package from a git repository into a new directory.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop pkg" -eq 1' -fa 'update' -d 'Merge upstream changes into a local package.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop pkg" -eq 1' -fa 'diff' -d 'Show how a local package differs from its upstream, as unified diffs.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop pkg init" -eq 1' -fa '(__stoop_complete_directories)'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop pkg init" description' -l 'description' -d 'The package description.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop pkg init"' -l 'keywords' -d 'Keywords (space or comma separated).' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop pkg init" site' -l 'site' -d 'The package\'s site.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop pkg init" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop pkg init" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop pkg get" -eq 1' -fa '(__stoop_complete_directories)'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop pkg get" strategy' -l 'strategy' -d 'resource-merge (default), fast-forward, force-delete-replace or copy-merge.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop pkg get" for-deployment' -l 'for-deployment' -d 'Give every package a package-context.yaml, as for a deployment.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop pkg get" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop pkg get" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop pkg update" -eq 1' -fa '(__stoop_complete_directories)'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop pkg update" strategy' -l 'strategy' -d 'resource-merge, fast-forward, force-delete-replace or copy-merge.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop pkg update" on-conflict' -l 'on-conflict' -d 'Who wins a conflict: upstream (default), local or fail.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop pkg update" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop pkg update" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop pkg diff" -eq 1' -fa '(__stoop_complete_directories)'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop pkg diff" diff-type' -l 'diff-type' -d 'local (default), remote or combined.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop pkg diff" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop pkg diff" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop fn" -eq 1' -fa 'render' -d 'Run the Kptfile pipelines of a package and its subpackages.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop fn" -eq 1' -fa 'eval' -d 'Run one function on a package directory or on a ResourceList from stdin.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop fn" -eq 1' -fa 'source' -d 'Print a package\'s resources as a ResourceList on stdout.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop fn" -eq 1' -fa 'sink' -d 'Write a ResourceList from stdin into a new package directory.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop fn" -eq 1' -fa 'list' -d 'List the functions built into stoop.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop fn" -eq 1' -fa 'doc' -d 'Show how to configure a built-in function.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop fn render" -eq 1' -fa '(__stoop_complete_directories)'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn render" allow-exec' -l 'allow-exec' -d 'Allow `exec:` functions to run local programs.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn render" o output' -s 'o' -l 'output' -d 'stdout: a ResourceList; unwrap: plain YAML; DIR: a new directory. Default: in place.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn render" results-dir' -l 'results-dir' -d 'Write results.yaml into this directory.' -rfa '(__stoop_complete_directories)'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn render" truncate-output' -l 'truncate-output' -d 'Show at most 4 lines of a function\'s stderr (true or false).' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn render" image-pull-policy' -l 'image-pull-policy' -d 'Always, IfNotPresent or Never: for container functions (built-ins never pull).' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn render" allow-network' -l 'allow-network' -d 'Accepted for kpt compatibility: container functions run without network.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn render" allow-alpha-wasm' -l 'allow-alpha-wasm' -d 'Accepted for kpt compatibility; wasm functions are not supported.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn render" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn render" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop fn eval" -eq 1' -fa '(__stoop_complete_directories)'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval" i image' -s 'i' -l 'image' -d 'The function image.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval" exec' -l 'exec' -d 'A local program to run as the function.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval" fn-config' -l 'fn-config' -d 'A file holding the functionConfig.' -rF
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval" s save' -s 's' -l 'save' -d 'Add the function to the Kptfile pipeline.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval" t type' -s 't' -l 'type' -d 'With --save: mutator or validator.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval" match-api-version' -l 'match-api-version' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval" match-kind' -l 'match-kind' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval" match-name' -l 'match-name' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval" match-namespace' -l 'match-namespace' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval"' -l 'match-labels' -d 'key=value; repeatable.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval"' -l 'match-annotations' -d 'key=value; repeatable.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval" exclude-api-version' -l 'exclude-api-version' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval" exclude-kind' -l 'exclude-kind' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval" exclude-name' -l 'exclude-name' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval" exclude-namespace' -l 'exclude-namespace' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval"' -l 'exclude-labels' -d 'key=value; repeatable.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval"' -l 'exclude-annotations' -d 'key=value; repeatable.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval" include-meta-resources m' -s 'm' -l 'include-meta-resources' -d 'Accepted for kpt compatibility; meta resources are always included.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval" network' -l 'network' -d 'Container functions only: allow network access.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval"' -s 'e' -l 'env' -d 'Container functions only: environment.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval"' -l 'mount' -d 'Container functions only: mounts.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval" as-current-user' -l 'as-current-user' -d 'Container functions only: run as the current user.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval" o output' -s 'o' -l 'output' -d 'stdout: a ResourceList; unwrap: plain YAML; DIR: a new directory. Default: in place.' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval" results-dir' -l 'results-dir' -d 'Write results.yaml into this directory.' -rfa '(__stoop_complete_directories)'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval" truncate-output' -l 'truncate-output' -d 'Show at most 4 lines of a function\'s stderr (true or false).' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval" image-pull-policy' -l 'image-pull-policy' -d 'Always, IfNotPresent or Never: for container functions (built-ins never pull).' -rfka ''
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval" allow-network' -l 'allow-network' -d 'Accepted for kpt compatibility: container functions run without network.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval" allow-alpha-wasm' -l 'allow-alpha-wasm' -d 'Accepted for kpt compatibility; wasm functions are not supported.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn eval" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop fn source" -eq 1' -fa '(__stoop_complete_directories)'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn source" fn-config' -l 'fn-config' -d 'A file holding the functionConfig to include.' -rF
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn source" o output' -s 'o' -l 'output' -d 'stdout: a ResourceList; unwrap: plain YAML documents.' -rfka 'stdout unwrap'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn source" include-meta-resources m' -s 'm' -l 'include-meta-resources' -d 'Accepted for kpt compatibility; meta resources are always included.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn source" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn source" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_positional "stoop fn sink" -eq 1' -fa '(__stoop_complete_directories)'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn sink" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn sink" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn list" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn doc" version' -l 'version' -d 'Show the version.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop fn doc" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'stoop' -n '__stoop_should_offer_completions_for_flags_or_options "stoop help" version' -l 'version' -d 'Show the version.'
