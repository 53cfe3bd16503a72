#!/bin/sh
# Installs the bundle for the current user, without root: the folder in ~/.local/opt/cocon-desktop, the two
# commands in ~/.local/bin, the menu entry and its icons in ~/.local/share.
#     ./install.sh                                 (from inside the delivered folder: `make dist` copies it there)
#     installer/linux/install.sh [BUNDLE_DIR]      (from the sources; default: dist/cocon-desktop)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
if [ -x "$HERE/cocon-desktop" ]; then DEFAULT=$HERE; else DEFAULT=dist/cocon-desktop; fi
BUNDLE=$(cd "${1:-$DEFAULT}" 2>/dev/null && pwd) || { echo "Dossier introuvable : ${1:-$DEFAULT}" >&2; exit 1; }
[ -x "$BUNDLE/cocon-desktop" ] || { echo "Pas de programme dans $BUNDLE (lancez d'abord make dist)." >&2; exit 1; }
PREFIX=${XDG_DATA_HOME:-$HOME/.local/share}
OPT=$HOME/.local/opt/cocon-desktop
mkdir -p "$HOME/.local/opt" "$HOME/.local/bin" "$PREFIX/applications"
rm -rf "$OPT"
cp -a "$BUNDLE" "$OPT"
ln -sf "$OPT/cocon-desktop" "$HOME/.local/bin/cocon-desktop"
ln -sf "$OPT/cocon" "$HOME/.local/bin/cocon"
for size in 16 32 48 64 128 256; do
  mkdir -p "$PREFIX/icons/hicolor/${size}x${size}/apps"
  cp "$OPT/_internal/resources/icons/cocon-desktop-$size.png" "$PREFIX/icons/hicolor/${size}x${size}/apps/cocon-desktop.png"
done
mkdir -p "$PREFIX/icons/hicolor/scalable/apps"
cp "$OPT/_internal/resources/icons/cocon-desktop.svg" "$PREFIX/icons/hicolor/scalable/apps/cocon-desktop.svg"
sed "s|^Exec=cocon-desktop|Exec=$OPT/cocon-desktop|; s|^TryExec=cocon-desktop|TryExec=$OPT/cocon-desktop|" \
  "$HERE/cocon-desktop.desktop" > "$PREFIX/applications/cocon-desktop.desktop"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$PREFIX/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$PREFIX/icons/hicolor" || true
echo "COCON Desktop est installé : menu Bureautique, ou la commande cocon-desktop."
