# shellcheck shell=bash
# Sourced by scripts/test, scripts/demo and scripts/bench: installs the Debian
# packages failoverd needs to build and to be tested, once, and only those
# that are missing (so a second run does not touch apt at all).

FAILOVERD_BUILD_PACKAGES=(
	build-essential cmake pkg-config
	libnl-3-dev libnl-route-3-dev libev-dev libssl-dev libconfig-dev libjson-c-dev
)
FAILOVERD_TEST_PACKAGES=(
	libcmocka-dev valgrind python3 iproute2 nftables openssl procps
	keepalived tshark python3-scapy clang libclang-rt-14-dev
	systemd # systemd-analyze verifies the unit (lab.systemd_unit)
)

failoverd_missing_packages() {
	local pkg
	for pkg in "$@"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
			printf '%s\n' "$pkg"
	done
}

failoverd_install_packages() {
	local missing
	mapfile -t missing < <(failoverd_missing_packages "$@")
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "missing packages: ${missing[*]} (run as root, or install them)" >&2
		return 1
	fi
	echo "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

failoverd_build() {
	local dir=$1
	shift
	cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
	cmake --build "$dir" -j"$(nproc)"
}
