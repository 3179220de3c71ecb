# bash completion for ionsheet: commands, subcommands and options, and from
# the database (--db, $IONSHEET_DB or ./ionsheet.db) template ids, courses
# and worksheet names. Installed as
# PREFIX/share/bash-completion/completions/ionsheet; without the
# bash-completion package, `source` it from ~/.bashrc.

# The first column (or column $2) of an ionsheet list, header left out.
_ionsheet_column()
{
    local col=${2:-1}
    "${_ionsheet_cmd[@]}" $1 2>/dev/null | awk -v c="$col" 'NR > 1 && NF >= c { print $c }'
}

_ionsheet()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local i word cmd="" sub="" args=0
    _ionsheet_cmd=("${COMP_WORDS[0]}")
    COMPREPLY=()
    # Global options, then the command and its subcommand.
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        if [[ -z $cmd ]]; then
            case $word in
            --db) _ionsheet_cmd+=(--db "${COMP_WORDS[i+1]}"); ((i++)) ;;
            --lang) ((i++)) ;;
            -*) ;;
            *) cmd=$word ;;
            esac
        elif [[ -z $sub && $cmd =~ ^(bank|course|roster|worksheet)$ ]]; then
            sub=$word
        elif [[ $word != -* && ${COMP_WORDS[i-1]} != -* ]]; then
            ((args++))
        fi
    done

    case $prev in
    --db|--out|--feedback|--csv|--problems-dir) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --lang) COMPREPLY=($(compgen -W "en zh" -- "$cur")); return ;;
    --format) COMPREPLY=($(compgen -W "plain moodle canvas" -- "$cur")); return ;;
    --topic) COMPREPLY=($(compgen -W "nernst ghk pump donnan drive concept" -- "$cur")); return ;;
    --difficulty) COMPREPLY=($(compgen -W "1 2 3" -- "$cur")); return ;;
    --course) COMPREPLY=($(compgen -W "$(_ionsheet_column "course list")" -- "$cur")); return ;;
    --problems)
        local done=${cur%"${cur##*,}"}
        COMPREPLY=($(compgen -P "$done" -W "$(_ionsheet_column "bank list")" -- "${cur##*,}"))
        return ;;
    esac

    if [[ -z $cmd ]]; then
        COMPREPLY=($(compgen -W "init bank course roster worksheet generate grade gradebook
            drill calc serve --db --lang --quiet --version --help" -- "$cur"))
        return
    fi
    local opts="--help"
    case $cmd in
    init) opts+=" --problems" ;;
    bank)
        case $sub in
        "") COMPREPLY=($(compgen -W "import list show check preview" -- "$cur")); return ;;
        list) opts+=" --topic" ;;
        show|preview)
            opts+=" --seed"; [[ $sub == preview ]] && opts+=" --lang --pdf"
            if [[ $cur != -* && $args == 0 ]]; then
                COMPREPLY=($(compgen -W "$(_ionsheet_column "bank list")" -- "$cur")); return
            fi ;;
        check) opts+=" --samples" ;;
        esac ;;
    course) [[ -z $sub ]] && { COMPREPLY=($(compgen -W "list" -- "$cur")); return; } ;;
    roster)
        case $sub in
        "") COMPREPLY=($(compgen -W "import list remove" -- "$cur")); return ;;
        import) opts+=" --course --id-column --quiet" ;;
        *) opts+=" --course" ;;
        esac ;;
    worksheet)
        case $sub in
        "") COMPREPLY=($(compgen -W "create list show edit delete" -- "$cur")); return ;;
        create) opts+=" --course --problems --title --due --points --feedback" ;;
        list) opts+=" --course" ;;
        edit) opts+=" --course --problems --title --due --points --feedback" ;;
        show) opts+=" --course" ;;
        delete) opts+=" --course --force" ;;
        esac
        if [[ $sub != create && $sub != list && $cur != -* && $args == 0 ]]; then
            COMPREPLY=($(compgen -W "$(_ionsheet_column "worksheet list" 2)" -- "$cur")); return
        fi ;;
    generate)
        opts+=" --course --student --out --lang --no-pdf --base-url"
        if [[ $cur != -* && $args == 0 ]]; then
            COMPREPLY=($(compgen -W "$(_ionsheet_column "worksheet list" 2)" -- "$cur")); return
        fi ;;
    gradebook) opts+=" --course --csv --format --excel" ;;
    grade) opts+=" --csv --feedback --format --excel" ;;
    drill) opts+=" --topic --difficulty --lang --user --seed --stats" ;;
    serve) opts+=" --listen --base-url --tls-cert --tls-key --threads --proxy" ;;
    calc)
        [[ $args == 0 && $cur != -* ]] && { COMPREPLY=($(compgen -W "nernst ghk chord pump donnan drive" -- "$cur")); return; }
        opts+=" --si" ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    fi
}
complete -o default -F _ionsheet ionsheet
