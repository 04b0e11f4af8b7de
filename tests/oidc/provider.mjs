// A real OpenID Connect provider for recruitd's sign-in tests (npm's oidc-provider, from the
// lockfile), on loopback:
//   node provider.mjs PORT REDIRECT_URI
// prints "ready http://127.0.0.1:PORT" once it listens. One client, "recruitd" (secret
// "recruitd-test-secret", authorization code with PKCE required), its redirect URI given.
// Accounts: whoever signs in on the login form (the interaction page of its own: an address,
// no password), with claims email, email_verified and groups read from the address:
//   hr.*@...         groups ["staff-hr"]        rec.*@...   groups ["staff-recruiter"]
//   none.*@...       groups []                  unverified.*@...  email_verified false
// Keys: an RS256 and an ES256 key made at start, both published.
//
// For the refusal tests, POST /test/mode with a mode as the body rewrites the id_token the
// token endpoint answers (the provider's own middleware), and the JWKS it serves:
//   ""             the token as the provider made it (RS256)
//   es256          re-signed with the ES256 key
//   bad-signature  a signature that does not verify
//   wrong-aud      another audience       expired      exp an hour ago
//   wrong-nonce    another nonce          alg-none     alg "none", no signature
//   rotated        signed with a key whose kid the JWKS does not list (yet)
//   rotated-published   the same key, now listed in the JWKS (a rotation)
import http from "node:http";
import crypto from "node:crypto";
import Provider from "oidc-provider";

const [port, redirectUri] = [Number(process.argv[2]), process.argv[3]];
if (!port || !redirectUri) {
  console.error("usage: node provider.mjs PORT REDIRECT_URI");
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

const keyOf = (pair, kid, alg) => ({ ...pair.privateKey.export({ format: "jwk" }), kid, alg, use: "sig" });
const rsa = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
const ec = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
const rotated = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
const publicJwk = (pair, kid, alg) => ({ ...pair.publicKey.export({ format: "jwk" }), kid, alg, use: "sig" });

let mode = "";

const accounts = (id) => {
  const local = id.split("@")[0];
  const groups = local.startsWith("hr.") ? ["staff-hr"] : local.startsWith("rec.") ? ["staff-recruiter"] : [];
  return {
    accountId: id,
    async claims() {
      return {
        sub: id, email: id, email_verified: !local.startsWith("unverified."),
        name: `Test ${local.split(".")[0]}`, groups,
      };
    },
  };
};

const provider = new Provider(issuer, {
  clients: [{
    client_id: "recruitd", client_secret: "recruitd-test-secret",
    redirect_uris: [redirectUri], grant_types: ["authorization_code"], response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
  }],
  jwks: { keys: [keyOf(rsa, "rs-1", "RS256"), keyOf(ec, "es-1", "ES256")] },
  pkce: { required: () => true },
  scopes: ["openid", "email", "profile", "groups"],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
  conformIdTokenClaims: false, // the claims go into the id_token (recruitd reads them there)
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: (ctx, id) => accounts(id),
  cookies: { keys: ["recruitd-test-cookie-key"] },
  ttl: { Session: 600, Interaction: 600, Grant: 600, AuthorizationCode: 60, IdToken: 600, AccessToken: 600 },
});
provider.proxy = false;

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
const unb64 = (s) => JSON.parse(Buffer.from(s, "base64url").toString());

function sign(header, payload, key, alg) {
  const data = `${b64(header)}.${b64(payload)}`;
  const sig = alg === "ES256"
    ? crypto.sign("sha256", Buffer.from(data), { key, dsaEncoding: "ieee-p1363" })
    : crypto.sign("sha256", Buffer.from(data), key);
  return `${data}.${sig.toString("base64url")}`;
}

function rewrite(token) {
  const [h, p, s] = token.split(".");
  const header = unb64(h), payload = unb64(p), now = Math.floor(Date.now() / 1000);
  switch (mode) {
    case "es256": return sign({ alg: "ES256", kid: "es-1", typ: "JWT" }, payload, ec.privateKey, "ES256");
    case "bad-signature": return `${h}.${p}.${s.slice(0, -4)}${s.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`;
    case "wrong-aud": return sign(header, { ...payload, aud: "someone-else" }, rsa.privateKey, "RS256");
    case "expired": return sign(header, { ...payload, iat: now - 7200, exp: now - 3600 }, rsa.privateKey, "RS256");
    case "wrong-nonce": return sign(header, { ...payload, nonce: "not-the-one-sent" }, rsa.privateKey, "RS256");
    case "alg-none": return `${b64({ alg: "none", typ: "JWT" })}.${p}.`;
    case "rotated":
    case "rotated-published":
      return sign({ alg: "RS256", kid: "rs-2", typ: "JWT" }, payload, rotated.privateKey, "RS256");
    default: return token;
  }
}

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === "/token" && ctx.body && ctx.body.id_token && mode) ctx.body.id_token = rewrite(ctx.body.id_token);
  if (ctx.path === "/jwks" && ctx.body && mode === "rotated-published")
    ctx.body = { keys: [...ctx.body.keys, publicJwk(rotated, "rs-2", "RS256")] };
});

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function body(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString();
}

const callback = provider.callback();
const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    if (req.method === "POST" && url.pathname === "/test/mode") {
      mode = (await body(req)).trim();
      res.writeHead(204).end();
      return;
    }
    const m = url.pathname.match(/^\/interaction\/([\w-]+)(\/login)?$/);
    if (m && req.method === "GET" && !m[2]) {
      const details = await provider.interactionDetails(req, res);
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Test identity provider</title></head>
<body><main><h1>Test identity provider</h1><form method="post" action="/interaction/${escape(details.uid)}/login">
<label for="login">Work e-mail address</label> <input id="login" name="login" type="email" required>
<button type="submit">Continue</button></form></main></body></html>`);
      return;
    }
    if (m && req.method === "POST" && m[2]) {
      const details = await provider.interactionDetails(req, res);
      const login = new URLSearchParams(await body(req)).get("login") || "";
      const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id });
      grant.addOIDCScope("openid email profile groups");
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { login: { accountId: login }, consent: { grantId } },
        { mergeWithLastSubmission: false });
      return;
    }
    callback(req, res);
  } catch (e) {
    res.writeHead(500, { "Content-Type": "text/plain" });
    res.end(String(e));
  }
});
server.listen(port, "127.0.0.1", () => console.log(`ready ${issuer}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
