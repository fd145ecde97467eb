# Sourced by test-dockerd.sh and local-images.sh: builds image root filesystems from this machine's own files, since no
# image registry is reachable where ResPool is built and tested.
#   rootfs_busybox ROOT           busybox-static with its applet links, /etc/passwd and /etc/group (root, nobody)
#   rootfs_add ROOT FILE…         FILE (symlinks followed) at the same path under ROOT, with every shared library it
#                                 loads (ldd) and the dynamic loader
#   rootfs_libs ROOT FILE…        only the libraries FILE… load (ldd), e.g. for files already under ROOT
#   rootfs_import ROOT IMAGE CHANGE…  tars ROOT (numeric owners as they are) and `docker import`s it as IMAGE, each
#                                 CHANGE a Dockerfile instruction (ENV, USER, ENTRYPOINT…); uses docker_cli from the caller

rootfs_busybox() {
  local root="$1" path app applets
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,proc,sys,dev,root}
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  # Applet links where busybox expects them (/bin/sh, /usr/bin/env, /sbin/…); --list-full needs
  # the installer feature, so fall back to /bin for every applet.
  if applets="$(/bin/busybox --list-full 2>/dev/null)" && [ -n "$applets" ]; then
    while read -r path; do
      [ "$path" = bin/busybox ] || { mkdir -p "$root/$(dirname "$path")"; ln -sf /bin/busybox "$root/$path"; }
    done <<< "$applets"
  else
    for app in $(/bin/busybox --list); do [ "$app" = busybox ] || ln -sf busybox "$root/bin/$app"; done
  fi
  [ -e "$root/bin/sh" ] || ln -sf busybox "$root/bin/sh"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
}

# One file at its own path under ROOT, dereferenced (a busybox applet link there is replaced).
rootfs_copy() {
  local root="$1" file="$2"
  mkdir -p "$root/$(dirname "$file")"
  rm -f "$root/$file"
  cp -L "$file" "$root/$file"
}

rootfs_add() {
  local root="$1" file
  shift
  for file in "$@"; do rootfs_copy "$root" "$file"; done
  rootfs_libs "$root" "$@"
}

# Only the shared libraries FILE… load (e.g. for files already inside ROOT), at their own paths under ROOT.
rootfs_libs() {
  local root="$1" file lib
  shift
  for file in "$@"; do
    # ldd prints "name => /path (addr)" for libraries and "/path (addr)" for the loader
    while read -r lib; do
      case "$lib" in "$root"/*) continue ;; esac # already inside ROOT (e.g. found through $ORIGIN)
      [ -e "$root/$lib" ] || rootfs_copy "$root" "$lib"
    done < <(ldd "$file" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}')
  done
}

rootfs_import() {
  local root="$1" image="$2" tarball c
  shift 2
  local changes=()
  for c in "$@"; do changes+=(--change "$c"); done
  tarball="$(mktemp --suffix=.tar)"
  tar --numeric-owner -C "$root" -cf "$tarball" .
  docker_cli import "${changes[@]}" "$tarball" "$image" >/dev/null || { rm -f "$tarball"; return 1; }
  rm -f "$tarball"
}
