"""Three unmodified Python OAuth clients against the served mock: code flow, refresh, Dinero.

    python flows.py http://127.0.0.1:4010

Authlib (requests), requests-oauthlib and Authlib's httpx client each sign in through the mock's
consent shortcut (the X-Mock-Consent header, as curl would), redeem the code with PKCE S256,
refresh once and call GET /v1/organizations. Authlib also validates the id_token and the access
token against the JWKS with no leeway on the wall clock, and replays the spent refresh token,
which Visma Connect refuses with invalid_grant. One JSON line per client on stdout; any
deviation raises, and the exit code is not 0.
"""
import asyncio
import json
import os
import re
import sys
import time

# oauthlib refuses plain http unless told; the mock is served on loopback http, as a developer
# runs it (RFC 8252 §7.3 allows loopback http redirect URIs for the same reason).
os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")

import httpx
import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from requests_oauthlib import OAuth2Session as RequestsOAuthlibSession

# The mock's client that must use PKCE: a flow that left out the challenge or the verifier fails.
CLIENT_ID = "isv_conformance_pkce"
CLIENT_SECRET = "conformance-secret"
REDIRECT_URI = "http://127.0.0.1:8976/callback"
SCOPE = "openid dineropublicapi:read dineropublicapi:write offline_access"
CONSENT = {"X-Mock-Consent": "accept"}


def authlib_requests(base, meta, jwks, auth_method):
    client = OAuth2Session(CLIENT_ID, CLIENT_SECRET, scope=SCOPE, redirect_uri=REDIRECT_URI,
                           token_endpoint_auth_method=auth_method, code_challenge_method="S256")
    verifier, nonce = generate_token(64), generate_token(16)
    url, state = client.create_authorization_url(meta["authorization_endpoint"], code_verifier=verifier,
                                                 nonce=nonce, response_mode="form_post")
    page = requests.get(url, headers=CONSENT, allow_redirects=False)
    fields = dict(re.findall(r"name=['\"]([^'\"]+)['\"] value=['\"]([^'\"]*)['\"]", page.text))
    assert page.status_code == 200 and fields.get("state") == state, f"form_post: {page.status_code} {page.text[:200]}"
    token = client.fetch_token(meta["token_endpoint"], code=fields["code"], code_verifier=verifier)
    id_token = jwt.decode(token["id_token"], jwks, claims_options={
        "iss": {"essential": True, "value": meta["issuer"]},
        "aud": {"essential": True, "value": CLIENT_ID},
        "nonce": {"essential": True, "value": nonce},
    })
    id_token.validate(now=int(time.time()), leeway=0)
    jwt.decode(token["access_token"], jwks).validate(now=int(time.time()), leeway=0)
    first = token["refresh_token"]
    rotated = client.refresh_token(meta["token_endpoint"], refresh_token=first)
    assert rotated["refresh_token"] != first, "the refresh token did not rotate"
    orgs = client.get(base + "/v1/organizations", params={"fields": "Name,Id,IsPro"})
    assert orgs.status_code == 200, f"organizations: {orgs.status_code} {orgs.text[:200]}"
    userinfo = client.get(meta["userinfo_endpoint"])
    assert userinfo.status_code == 200 and userinfo.json()["sub"] == id_token["sub"], userinfo.text[:200]
    try:
        client.refresh_token(meta["token_endpoint"], refresh_token=first)
        replay = "accepted"
    except OAuthError as e:
        replay = e.error
    return {"client": f"authlib {auth_method}", "id_token": "valid", "rotated": True,
            "replay": replay, "organizations": len(orgs.json())}


def requests_oauthlib(base, meta):
    client = RequestsOAuthlibSession(CLIENT_ID, redirect_uri=REDIRECT_URI, scope=SCOPE.split(), pkce="S256")
    url, _ = client.authorization_url(meta["authorization_endpoint"])
    answer = requests.get(url, headers=CONSENT, allow_redirects=False)
    location = answer.headers.get("location", "")
    assert answer.status_code == 302 and "code=" in location, f"authorize: {answer.status_code} {location}"
    # oauthlib insists on https for the callback it parses; the mock's redirect_uri is loopback http.
    token = client.fetch_token(meta["token_endpoint"], authorization_response=location.replace("http://", "https://", 1),
                               client_secret=CLIENT_SECRET, include_client_id=True)
    rotated = client.refresh_token(meta["token_endpoint"], client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    assert rotated["refresh_token"] != token["refresh_token"], "the refresh token did not rotate"
    orgs = client.get(base + "/v1/organizations", params={"fields": "Name,Id,IsPro"})
    assert orgs.status_code == 200, f"organizations: {orgs.status_code} {orgs.text[:200]}"
    return {"client": "requests-oauthlib", "rotated": True, "organizations": len(orgs.json())}


async def authlib_httpx(base, meta):
    client = AsyncOAuth2Client(CLIENT_ID, CLIENT_SECRET, scope=SCOPE, redirect_uri=REDIRECT_URI,
                               code_challenge_method="S256")
    verifier = generate_token(64)
    url, _ = client.create_authorization_url(meta["authorization_endpoint"], code_verifier=verifier)
    async with httpx.AsyncClient() as plain:
        answer = await plain.get(url, headers=CONSENT)
    assert answer.status_code == 302, f"authorize: {answer.status_code}"
    token = await client.fetch_token(meta["token_endpoint"], authorization_response=answer.headers["location"],
                                     code_verifier=verifier)
    rotated = await client.refresh_token(meta["token_endpoint"], refresh_token=token["refresh_token"])
    assert rotated["refresh_token"] != token["refresh_token"], "the refresh token did not rotate"
    orgs = await client.get(base + "/v1/organizations", params={"fields": "Name,Id,IsPro"})
    assert orgs.status_code == 200, f"organizations: {orgs.status_code} {orgs.text[:200]}"
    await client.aclose()
    return {"client": "authlib httpx", "rotated": True, "organizations": len(orgs.json())}


def main(base):
    meta = requests.get(base + "/.well-known/openid-configuration").json()
    jwks = JsonWebKey.import_key_set(requests.get(meta["jwks_uri"]).json())
    for auth_method in ("client_secret_post", "client_secret_basic"):
        print(json.dumps(authlib_requests(base, meta, jwks, auth_method)), flush=True)
    print(json.dumps(requests_oauthlib(base, meta)), flush=True)
    print(json.dumps(asyncio.run(authlib_httpx(base, meta))), flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python flows.py <mock origin, e.g. http://127.0.0.1:4010>")
    main(sys.argv[1].rstrip("/"))
