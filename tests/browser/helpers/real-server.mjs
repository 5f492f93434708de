// Starts scripts/serve.mjs as a child process on a free port. Filled in once that script's interface is
// known; until then this throws so no test silently runs against the wrong server.
export async function startRealServer(script) {
  throw new Error(`${script} exists but tests/browser/helpers/real-server.mjs does not know how to start it yet`);
}
