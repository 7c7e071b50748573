// Refuses a Node.js older than Warden needs, in one line, before anything else loads: `npm start`
// preloads it (`--import`) and bin/warden.js imports it first. Without it, Node 20 dies later with
// ERR_UNKNOWN_BUILTIN_MODULE for node:sqlite, which says nothing about the version.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`warden: Node.js 22.12 or newer is required (this is ${process.versions.node})\n`);
  process.exit(1);
}
