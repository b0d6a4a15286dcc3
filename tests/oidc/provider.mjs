// A real OpenID Connect provider (panva's certified `oidc-provider`) for CXC Desk's
// browser tests. Test-only: plain HTTP on loopback, in-memory storage, no passwords.
//
// Configuration: a JSON object, from the first of
//   --config-json '<json>'   |   --config <file.json>   |   env OIDC_PROVIDER_CONFIG='<json>'
// {
//   "host": "127.0.0.1", "port": 9400,            // port may also come from --port / OIDC_PROVIDER_PORT
//   "issuer": "http://127.0.0.1:9400",            // optional; defaults to http://<host>:<port>
//   "client": {"client_id": "...", "client_secret": "...",
//              "redirect_uris": ["http://127.0.0.1:8501/oauth2callback"],
//              "post_logout_redirect_uris": [...]}, // optional; defaults to redirect_uris
//   "accounts": [{"sub": "anna", "email": "anna@example.org", "email_verified": true, "name": "Anna Nowak"}],
//   "consent": "auto" | "screen",                  // default "auto": no consent page
//   "logout": "confirm" | "auto"                   // default "confirm": a "Yes, sign me out" page
// }
// The login page signs in any account of the table by its `sub`, without a password.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider, { interactionPolicy } from 'oidc-provider';

function fail(message) {
  process.stderr.write(`oidc-provider (test): ${message}\n`);
  process.exit(2);
}

function argValue(name) {
  const i = process.argv.indexOf(name);
  if (i === -1) return undefined;
  if (i + 1 >= process.argv.length) fail(`${name} needs a value`);
  return process.argv[i + 1];
}

function loadConfig() {
  let text = argValue('--config-json');
  if (text === undefined && argValue('--config') !== undefined) {
    text = readFileSync(argValue('--config'), 'utf8');
  }
  if (text === undefined) text = process.env.OIDC_PROVIDER_CONFIG;
  if (text === undefined) fail('no configuration: pass --config-json, --config or OIDC_PROVIDER_CONFIG');
  let config;
  try {
    config = JSON.parse(text);
  } catch (err) {
    fail(`configuration is not JSON: ${err.message}`);
  }
  const port = Number(argValue('--port') ?? process.env.OIDC_PROVIDER_PORT ?? config.port);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) fail('a port is required (config "port", --port or OIDC_PROVIDER_PORT)');
  const host = config.host ?? '127.0.0.1';
  const issuer = config.issuer ?? `http://${host}:${port}`;
  const { client } = config;
  if (!client || !client.client_id || !client.client_secret || !Array.isArray(client.redirect_uris) || !client.redirect_uris.length) {
    fail('"client" needs client_id, client_secret and a non-empty redirect_uris list');
  }
  const accounts = new Map();
  for (const account of config.accounts ?? []) {
    if (!account || typeof account.sub !== 'string' || !account.sub) fail('every account needs a string "sub"');
    accounts.set(account.sub, account);
  }
  if (!accounts.size) fail('"accounts" must list at least one account');
  const consent = config.consent ?? 'auto';
  if (!['auto', 'screen'].includes(consent)) fail('"consent" is "auto" or "screen"');
  const logout = config.logout ?? 'confirm';
  if (!['confirm', 'auto'].includes(logout)) fail('"logout" is "confirm" or "auto"');
  return { host, port, issuer, client, accounts, consent, logout };
}

const cfg = loadConfig();

const esc = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ({
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
}[c]));

// No external resources (the library's own pages @import web fonts from the internet).
function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:sans-serif;max-width:28rem;margin:2rem auto}label,input,button{display:block;margin:.4rem 0}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

// Streamlit's st.login sends prompt=select_account by default, which the library
// rejects unless a policy prompt of that name exists. It is placed before "login"
// and answered by the same sign-in page, so one page covers both.
const policy = interactionPolicy.base();
policy.add(new interactionPolicy.Prompt({ name: 'select_account', requestable: true }), 0);

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-rs256', alg: 'RS256', use: 'sig' };

const ttl = 3600;
const provider = new Provider(cfg.issuer, {
  clients: [{
    client_id: cfg.client.client_id,
    client_secret: cfg.client.client_secret,
    redirect_uris: cfg.client.redirect_uris,
    post_logout_redirect_uris: cfg.client.post_logout_redirect_uris ?? cfg.client.redirect_uris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: cfg.client.token_endpoint_auth_method ?? 'client_secret_basic',
  }],
  responseTypes: ['code'],
  pkce: { required: () => true }, // only S256 exists in oidc-provider 9
  scopes: ['openid', 'email', 'profile'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  // Put the scope's claims in the ID token too: Streamlit (Authlib) builds st.user from
  // the ID token only and never calls the userinfo endpoint.
  conformIdTokenClaims: false,
  async findAccount(ctx, sub) {
    const account = cfg.accounts.get(sub);
    if (!account) return undefined;
    return { accountId: sub, async claims() { return { ...account, sub }; } };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    if (cfg.consent !== 'auto') return undefined;
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope([...ctx.oidc.requestParamOIDCScopes].join(' '));
    await grant.save();
    return grant;
  },
  interactions: {
    policy,
    url: (ctx, interaction) => `/interaction/${interaction.uid}`,
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        const auto = cfg.logout === 'auto'
          ? `<script>document.getElementById('op.logoutForm').insertAdjacentHTML('beforeend','<input type="hidden" name="logout" value="yes">');document.getElementById('op.logoutForm').submit();</script>`
          : '';
        ctx.body = page('Sign out', `<h1>Sign out</h1>
<p>Do you want to sign out of the test provider?</p>
${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>
${auto}`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('Signed out', '<h1>Signed out</h1><p>You are signed out of the test provider.</p>');
      },
    },
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Error', `<h1>Error</h1><p id="error">${esc(out.error)}</p><p id="error_description">${esc(out.error_description)}</p>`);
  },
  jwks: { keys: [signingKey] },
  cookies: {
    keys: [randomBytes(32).toString('hex')],
    // Cookies are shared between ports of one host: keep clear of the app's names.
    names: { session: '_op_session', interaction: '_op_interaction', resume: '_op_interaction_resume' },
  },
  ttl: {
    AccessToken: ttl, AuthorizationCode: 600, IdToken: ttl, Interaction: ttl, Session: ttl, Grant: ttl,
  },
});

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function loginPage(uid, details, clientId, error) {
  const hint = details.params.login_hint ?? '';
  return page('Sign in', `<h1>Sign in</h1>
<p>to <span id="client_id">${esc(clientId)}</span></p>
${error ? `<p role="alert" id="error">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}/login" autocomplete="off">
  <label for="login">Username</label>
  <input id="login" name="login" type="text" required autofocus value="${esc(hint)}">
  <button type="submit">Sign in</button>
</form>
<form method="post" action="/interaction/${esc(uid)}/abort">
  <button type="submit">Cancel</button>
</form>`);
}

function consentPage(uid, details, clientId) {
  const scopes = [...new Set(details.prompt.details.missingOIDCScope ?? [])];
  return page('Authorize', `<h1>Authorize</h1>
<p><span id="client_id">${esc(clientId)}</span> asks for: <span id="scopes">${esc(scopes.join(' '))}</span></p>
<form method="post" action="/interaction/${esc(uid)}/confirm">
  <button type="submit">Allow</button>
</form>
<form method="post" action="/interaction/${esc(uid)}/abort">
  <button type="submit">Deny</button>
</form>`);
}

async function finish(ctx, result, merge = false) {
  const redirectTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: merge });
  ctx.status = 303;
  ctx.redirect(redirectTo);
}

provider.use(async (ctx, next) => {
  const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|confirm|abort))?$/.exec(ctx.path);
  if (!match) {
    await next();
    return;
  }
  const [, uid, action] = match;
  ctx.set('Cache-Control', 'no-store');
  let details;
  try {
    details = await provider.interactionDetails(ctx.req, ctx.res);
  } catch (err) {
    ctx.status = 400;
    ctx.type = 'html';
    ctx.body = page('Error', `<h1>Error</h1><p id="error">${esc(err.error ?? err.message)}</p><p id="error_description">${esc(err.error_description ?? '')}</p>`);
    return;
  }
  if (details.uid !== uid) ctx.throw(400, 'interaction mismatch');
  const clientId = details.params.client_id;
  const promptName = details.prompt.name;

  if (ctx.method === 'GET' && !action) {
    ctx.type = 'html';
    if (promptName === 'consent') ctx.body = consentPage(uid, details, clientId);
    else ctx.body = loginPage(uid, details, clientId);
    return;
  }
  if (ctx.method !== 'POST' || !action) ctx.throw(405);
  const form = await readForm(ctx.req);

  if (action === 'abort') {
    await finish(ctx, { error: 'access_denied', error_description: 'End-User aborted interaction' });
    return;
  }
  if (action === 'login') {
    if (promptName === 'consent') ctx.throw(400, 'not a login step');
    const sub = (form.get('login') ?? '').trim();
    if (!cfg.accounts.has(sub)) {
      ctx.status = 200;
      ctx.type = 'html';
      ctx.body = loginPage(uid, details, clientId, `Unknown account: ${sub}`);
      return;
    }
    // Resolves select_account and login at once; consent follows (auto or page).
    await finish(ctx, { select_account: {}, login: { accountId: sub } });
    return;
  }
  // action === 'confirm'
  if (promptName !== 'consent') ctx.throw(400, 'not a consent step');
  const { missingOIDCScope, missingOIDCClaims } = details.prompt.details;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: details.session.accountId, clientId });
  if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
  if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
  await finish(ctx, { consent: { grantId: await grant.save() } }, true);
});

const server = createServer(provider.callback());
server.listen(cfg.port, cfg.host, () => {
  process.stdout.write(`oidc-provider (test) listening: issuer ${cfg.issuer}\n`);
});
server.on('error', (err) => fail(err.message));

function stop() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
