#!/bin/sh
# Skærmbilledet i docs/editor.md / the screenshot in docs/editor.md: arkitektur lsp in Neovim.
#
#   scripts/editor-skaermbillede.sh [out.png]      (default docs/editor/neovim.png)
#
# Needs: nvim (0.7+; Debian bookworm: apt-get install neovim), tmux, chromium, and ansi2html in
# the venv (pip install -e '.[skaermbillede]'). Steps: copy models/ to a temporary folder, plant a
# typo (ark:systemansvarig) in viborg/systemanvendelser.ttl, open it in Neovim headless inside
# tmux with editors/neovim/init.lua, wait until the server's diagnostic is shown, open the
# diagnostic float, capture the pane with its colours (tmux capture-pane -e), turn the ANSI into
# HTML (ansi2html) and screenshot that with headless Chromium. Nothing in the checkout is changed
# but the PNG.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/docs/editor/neovim.png}
venv=${VENV:-$here/.venv}
work=$(mktemp -d)
sock="arkitektur-skaermbillede-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

cp -r "$here/models" "$work/models"
sed -i '0,/ark:systemansvarlig "It og Digitalisering – ESDH-teamet"/s//ark:systemansvarig "It og Digitalisering – ESDH-teamet"/' \
    "$work/models/viborg/systemanvendelser.ttl"
line=$(grep -n 'ark:systemansvarig ' "$work/models/viborg/systemanvendelser.ttl" | cut -d: -f1)

cd "$work/models"
tmux -L "$sock" new-session -d -x 134 -y 34 \
    "TERM=xterm-256color ARKITEKTUR_CMD='$venv/bin/arkitektur' nvim -u '$here/editors/neovim/init.lua' \
     -c 'set number' -c 'hi SignColumn ctermbg=NONE' -c 'hi LineNr ctermfg=243' \
     -c 'hi NormalFloat ctermbg=236 ctermfg=252' -c 'hi FloatBorder ctermbg=236 ctermfg=245' \
     -c 'hi DiagnosticError ctermfg=203' -c 'hi DiagnosticWarn ctermfg=214' -c 'hi DiagnosticInfo ctermfg=117' \
     viborg/systemanvendelser.ttl +$line"
# the first check of the repository: wait for the diagnostic (at most 120 s)
i=0
until tmux -L "$sock" capture-pane -p | grep -q 'Ukendt ark:-term'; do
    i=$((i + 1)); [ $i -lt 240 ] || { echo "no diagnostic after 120 s" >&2; exit 1; }
    sleep 0.5
done
tmux -L "$sock" send-keys "05lzz"      # on the typo, line centred
sleep 0.5
tmux -L "$sock" send-keys '\e'         # <leader>e: the diagnostic float (editors/neovim/init.lua)
sleep 2
tmux -L "$sock" capture-pane -e -p > "$work/pane.ansi"

"$venv/bin/ansi2html" --title "arkitektur lsp i Neovim" < "$work/pane.ansi" > "$work/pane.html"
# a terminal's look: no wrapping, one font, the pane's size, backgrounds the full line high
sed -i 's#</head>#<style>body{margin:0;padding:8px} pre.ansi2html-content{display:block;margin:0;white-space:pre;font:15px/1.16 "DejaVu Sans Mono",monospace}</style></head>#' "$work/pane.html"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --virtual-time-budget=2000 \
    --window-size=1232,612 --screenshot="$work/pane.png" "file://$work/pane.html" >/dev/null 2>&1
mkdir -p "$(dirname "$out")"
cp "$work/pane.png" "$out"
echo "$out"
