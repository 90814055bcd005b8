#!/usr/bin/env bash
# Google Colab's real stack on this machine: a Debian 13 root whose python3.13 is Colab's Python, with a venv
# holding requirements-colab.txt (torch 2.11.0 and Colab's other versions). Needs root (debootstrap, chroot).
#
#   bash tools/colab_root.sh build ROOT      make ROOT once (about 3 min), then its /venv (about 6 min: PyPI's
#                                            torch 2.11.0 for CPython 3.13 is a CUDA build of about 5 GB; it
#                                            runs on the CPU); a second call with the same pins does nothing
#   bash tools/colab_root.sh run ROOT CMD..  run CMD inside ROOT with the repository mounted at /course
#                                            (the working directory), /proc, /dev and /dev/pts mounted
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
action=${1:-}; root=${2:-}
if [ -z "$root" ] || { [ "$action" != build ] && [ "$action" != run ]; }; then
  sed -n '2,10p' "$0"; exit 2
fi
if [ "$(id -u)" != 0 ]; then
  echo "tools/colab_root.sh needs root (debootstrap and chroot); CI runs as root. Without root, the Colab" >&2
  echo "stack is not tested here: the main suite (bash course.sh test) still runs every notebook." >&2
  exit 3
fi
root=$(mkdir -p "$root" && cd "$root" && pwd)

mounted=()
unmount() { for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done; }
trap unmount EXIT
mount_into() {  # bind-mount host path $1 at $root$2
  mkdir -p "$root$2"
  mount --bind "$1" "$root$2"
  mounted+=("$root$2")
}
enter() {
  mount_into /proc /proc
  mount_into /dev /dev
  mount_into /dev/pts /dev/pts
  mount_into "$here" /course
  cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
  # the host's certificate bundle (pip reaches PyPI through whatever the host trusts)
  cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt" 2>/dev/null || true
}
in_root() {
  chroot "$root" /usr/bin/env -i HOME=/root PATH=/venv/bin:/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_DEFAULT_TIMEOUT=180 PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    "${pass[@]}" "$@"
}
pass=()  # the caller's DUDL_*, ATEN_*, OMP_* and PYTEST_* settings reach the tests inside
while IFS= read -r var; do pass+=("$var"); done < <(env | grep -E '^(DUDL_|ATEN_|OMP_|MKL_|PYTEST_)' || true)

if [ "$action" = build ]; then
  if [ ! -x "$root/usr/bin/python3.13" ]; then
    command -v debootstrap >/dev/null || PATH=$PATH:/usr/sbin
    command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null
    mirror=$(grep -h -o -E 'https?://[^ ]*/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null |
      head -1 | tr -d ' ' || true)
    mirror=${mirror:-http://deb.debian.org/debian}
    if [ -n "$(ls -A "$root")" ]; then  # never delete: a half-made root may still hold a bind mount
      echo "$root exists but holds no python3.13 (an interrupted build?): check that nothing is mounted" >&2
      echo "under it (grep $root /proc/mounts), remove it, and run again" >&2
      exit 1
    fi
    part=$(mktemp -d "$root.partial.XXXXXX")
    debootstrap --variant=minbase --include=python3.13,python3.13-venv,ca-certificates,git \
      trixie "$part" "$mirror" >"$part.log" 2>&1 || { tail -20 "$part.log" >&2; exit 1; }
    rmdir "$root" && mv "$part" "$root" && rm -f "$part.log"
  fi
  stamp="/venv/.installed-$(cat "$here/requirements-colab.txt" | cksum | cut -d' ' -f1)"
  if [ ! -f "$root$stamp" ]; then
    enter
    in_root /usr/bin/python3.13 -m venv /venv
    in_root /venv/bin/python -m pip install --quiet -r /course/requirements-colab.txt
    touch "$root$stamp"
  fi
  exit 0
fi

shift 2
enter
in_root /bin/sh -c 'cd /course && exec "$@"' sh "$@"
