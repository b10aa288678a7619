# SPDX-License-Identifier: GPL-2.0-or-later
# containers' seccomp.json (archMap, includes/excludes) -> linux.seccomp for amd64 with
# podman's default capabilities, or those of `--argjson caps '[...]'`.
($ARGS.named.caps // ["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FOWNER","CAP_FSETID","CAP_KILL",
 "CAP_NET_BIND_SERVICE","CAP_SETFCAP","CAP_SETGID","CAP_SETPCAP","CAP_SETUID","CAP_SYS_CHROOT"]) as $caps
| def has_all($l): ($l // []) | all(. as $c | $caps | index($c));
def has_any($l): ($l // []) | any(. as $c | $caps | index($c));
{defaultAction, defaultErrnoRet,
 architectures: (.archMap[] | select(.architecture == "SCMP_ARCH_X86_64")
                 | [.architecture] + .subArchitectures),
 syscalls: [.syscalls[]
   | select(((.includes.arches // []) | length == 0 or index("amd64")) and
            ((.excludes.arches // []) | index("amd64") | not) and
            has_all(.includes.caps) and (has_any(.excludes.caps) | not))
   | {names, action} + (if .errnoRet then {errnoRet} else {} end)
     + (if (.args // []) | length > 0 then {args} else {} end)]}
