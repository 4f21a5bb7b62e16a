#!/usr/bin/env bash
# Makes the one base image the offline smoke run builds on, when no registry can be pulled from:
# Debian bookworm (debootstrap, from the mirror this machine's apt already uses) with a headless JRE 17,
# imported as $1 (default sluice-smoke/bookworm-jre:17). Reuses the image when it already exists.
set -euo pipefail
image=${1:-sluice-smoke/bookworm-jre:17}
# a non-root user must be able to run programs in it (the services run as kafka, postgres, nobody, sluice)
usable() { docker run --rm --network none --user 65534 "$image" test -x /usr/bin/java; }
if docker image inspect "$image" >/dev/null 2>&1; then
  if usable; then
    echo "base image $image exists, reused"
    exit 0
  fi
  echo "base image $image exists but a non-root user cannot run its programs: making it again"
  docker image rm -f "$image" >/dev/null
fi

# the mirror comes from apt's own configuration (deb822 .sources or one-line sources.list), never from this file
mirror=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -1 || true)
if [ -z "$mirror" ]; then
  mirror=$(grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
    | awk '{for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}' | grep -v security | head -1 || true)
fi
if [ -z "$mirror" ]; then
  echo "base-image.sh: found no Debian mirror in /etc/apt/sources.list*; configure apt with one and run again." >&2
  exit 1
fi

rootfs=$(mktemp -d /var/tmp/sluice-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
# mktemp makes the directory 0700, and it becomes the image's /: under dockerd's vfs storage driver (its fallback where
# overlay2 does not start) the layer's root keeps that mode, and non-root users (kafka, postgres, nobody) cannot reach
# a single file ("stat /usr/bin/prometheus: permission denied"); overlay2 happens to hide it
chmod 0755 "$rootfs"
debootstrap --variant=minbase --include=ca-certificates,openjdk-17-jre-headless bookworm "$rootfs" "$mirror" \
  > "$rootfs.log" 2>&1 || { tail -30 "$rootfs.log" >&2; exit 1; }
rm -f "$rootfs.log"
chroot "$rootfs" apt-get clean
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin
tar -C "$rootfs" -c . | docker import \
  --change 'ENV LANG=C.UTF-8 JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' \
  --change 'CMD ["bash"]' - "$image" >/dev/null
usable || { echo "base-image.sh: a non-root user cannot run /usr/bin/java in $image; check the permissions of $rootfs." >&2; exit 1; }
echo "base image $image made from Debian bookworm ($(du -sh "$rootfs" | cut -f1))"
