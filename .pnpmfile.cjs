// Native addons (better-sqlite3) are built by node-gyp, which downloads Node's headers from nodejs.org
// unless its cache already has them. pnpm does not pass npm's `nodedir` setting to install scripts, so
// on a machine that cannot reach nodejs.org, point node-gyp's cache at the headers installed beside node.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

function seedNodeGypHeaders() {
  const prefix = path.dirname(path.dirname(process.execPath));
  const headers = path.join(prefix, 'include', 'node');
  if (!fs.existsSync(path.join(headers, 'common.gypi'))) return;
  const cache =
    process.env.npm_config_devdir ||
    path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'node-gyp');
  const dir = path.join(cache, process.versions.node);
  if (fs.existsSync(path.join(dir, 'installVersion'))) return;
  fs.mkdirSync(path.join(dir, 'include'), { recursive: true });
  if (!fs.existsSync(path.join(dir, 'include', 'node')))
    fs.symlinkSync(headers, path.join(dir, 'include', 'node'));
  fs.writeFileSync(path.join(dir, 'installVersion'), '11\n');
}

try {
  seedNodeGypHeaders();
} catch {
  // Best effort: without it node-gyp downloads the headers as usual.
}
module.exports = {};
