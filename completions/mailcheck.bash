# bash completion for mailcheck(1)                          -*- shell-script -*-
# Installed as $datadir/bash-completion/completions/mailcheck.

_mailcheck()
{
	local cur prev words cword
	_init_completion 2>/dev/null || {
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	}

	local commands="mx spf dkim dmarc trace verify domain bounce report blocklist diff smtp"
	local global="--json --csv --prometheus --record --html --dns --zone --timeout --now --authserv-id --verbose --quiet
		--no-color --help --version -v -q -h -V"

	# the value of an option
	case $prev in
	--zone)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--dns | --timeout | --now | --authserv-id | --ip | --helo | --mail-from | \
	--sender | --selector | --trust | --jobs)
		return ;;
	--order)
		COMPREPLY=($(compgen -W "input completed" -- "$cur"))
		return ;;
	--requirements)
		COMPREPLY=($(compgen -W "gmail yahoo microsoft all" -- "$cur"))
		return ;;
	esac

	# the command: the first word that is neither an option nor its value
	local i command=
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--zone | --dns | --timeout | --now | --authserv-id | --ip | --helo | \
		--mail-from | --sender | --selector | --trust | --jobs | --order | --requirements)
			((i++)) ;;
		-*) ;;
		*) command=${words[i]}; break ;;
		esac
	done

	if [[ -z $command ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$global" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		fi
		return
	fi

	local own=
	case $command in
	spf) own="--sender --helo --compare" ;;
	dkim) own="--selector --compare" ;;
	trace) own="--trust" ;;
	verify) own="--ip --helo --mail-from --trust --compare --jobs --order --requirements --no-blocklists --links" ;;
	bounce) own="--jobs --order" ;;
	report) own="--no-lookups --db --since --until --domain --move-to --allow-private --ca-file --net-timeout" ;;
	blocklist) own="--list --only --dqs-key --jobs --order" ;;
	smtp) own="--submission --rpki --allow-private --ca-file --net-timeout --smtp-port" ;;
	domain) own="--selector --jobs --order --no-common-selectors --smtp --allow-private --ca-file --net-timeout --trust-anchor --https-port --smtp-port --requirements --no-blocklists" ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$own $global" -- "$cur"))
		return
	fi
	case $command in
	dkim | trace | verify | bounce | report | diff) # messages, reports, JSON runs, mbox, directories
		COMPREPLY=($(compgen -f -- "$cur")) ;;
	esac
}
complete -o filenames -F _mailcheck mailcheck
