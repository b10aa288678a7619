# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by tests/run.sh and contrib/demo.sh: install the Debian packages skiff needs.
#
# skiff_install_deps "REQUIRED..." "OPTIONAL..."
#   Installs the missing ones; `apt-get update` runs only when something is missing.
#   A required package that cannot be installed is reported (the build will then say why);
#   an optional one only makes some tests skip.

skiff_pkg_installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

skiff_install_deps() {
	local req=() opt=() p
	for p in $1; do skiff_pkg_installed "$p" || req+=("$p"); done
	for p in ${2:-}; do skiff_pkg_installed "$p" || opt+=("$p"); done
	[ ${#req[@]} -eq 0 ] && [ ${#opt[@]} -eq 0 ] && return 0
	echo "installing: ${req[*]} ${opt[*]}"
	if [ "$(id -u)" != 0 ]; then
		echo "not root: cannot install them; continuing with what is there"
		return 0
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq || true
	if [ ${#req[@]} -gt 0 ]; then
		apt-get install -y -qq "${req[@]}" || echo "warning: could not install ${req[*]}"
	fi
	for p in "${opt[@]}"; do
		apt-get install -y -qq "$p" >/dev/null 2>&1 || echo "note: optional $p not installed"
	done
}

# What building skiff needs.
SKIFF_BUILD_DEPS="meson ninja-build pkg-config gcc libseccomp-dev libyajl-dev libcap-dev"
