"""Every term and token claim the lab explains, in English and Japanese: the one source of truth
for the docs' glossary page and the dashboard's token tables.

Each entry links to the docs section that says more. Links are written against the English pages
(`tokens.md#aud-versus-client_id`); `DOC_SECTIONS_JA` names the same section in the Japanese pages,
whose headings mirror the English ones one for one.

Regenerate the glossary pages after any change here:

    python -m flows.glossary en > docs/en/glossary.md
    python -m flows.glossary ja > docs/ja/glossary.md

Standard library only: the docs test and the dashboard both import it.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

LANGUAGES = ("en", "ja")


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    en: str
    ja: str
    doc: str  # a section of the English docs, e.g. "tokens.md#aud-versus-client_id"

    def text(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


def _entries(*entries: GlossaryEntry) -> Mapping[str, GlossaryEntry]:
    return MappingProxyType({entry.term: entry for entry in entries})


_TOKENS = "tokens.md"
_SIGN_IN = "sign-in.md"
_IDENTITY = "identity-pools.md"
_API = "api-gateway.md"

# Fields of the JWT header (tokens.md).
HEADER_FIELDS: Mapping[str, GlossaryEntry] = _entries(
    GlossaryEntry(
        "kid",
        "Key ID: names the key in the user pool's JWKS that signed this token. ID and access tokens are "
        "signed with different keys, so their kid differs.",
        "キー ID。このトークンに署名した鍵を、ユーザープールの JWKS の中から指し示します。ID トークンと"
        "アクセストークンは別の鍵で署名されるため、kid も異なります。",
        f"{_TOKENS}#signing-keys-and-the-jwks"),
    GlossaryEntry(
        "alg",
        "Signing algorithm: always RS256 (RSA signature with SHA-256) for user pool tokens. Refuse any other value.",
        "署名アルゴリズム。ユーザープールのトークンでは常に RS256（SHA-256 による RSA 署名）です。"
        "それ以外の値は拒否します。",
        f"{_TOKENS}#the-header-kid-alg-and-no-typ"),
    GlossaryEntry(
        "typ",
        "Token type. User pool tokens are documented and seen without it (whether it ever appears is "
        "unconfirmed), so never require it.",
        "トークンの種別。ユーザープールのトークンには付かないのが通常です（付くことがあるかは未確認）。"
        "検証で必須にしてはいけません。",
        f"{_TOKENS}#the-header-kid-alg-and-no-typ"),
)

# Claims of Cognito user pool tokens (and the identity pool's OpenID token, for amr).
CLAIMS: Mapping[str, GlossaryEntry] = _entries(
    GlossaryEntry(
        "sub",
        "Subject: the user's unique, immutable id (a UUID). Not the username.",
        "サブジェクト。ユーザーを一意に表す、変わらない ID（UUID）です。ユーザー名ではありません。",
        f"{_TOKENS}#claims-of-the-id-token"),
    GlossaryEntry(
        "aud",
        "Audience, in the ID token only: the app client id the user signed in with. The access token has "
        "no aud; it names the app client in client_id.",
        "オーディエンス（ID トークンのみ）。ユーザーがサインインに使ったアプリクライアントの ID です。"
        "アクセストークンには aud がなく、アプリクライアントは client_id に入ります。",
        f"{_TOKENS}#aud-versus-client_id"),
    GlossaryEntry(
        "client_id",
        "In the access token only: the app client id the token was issued to (the ID token has it in aud). "
        "Check it against your app client id.",
        "アクセストークンのみ。トークンの発行先のアプリクライアント ID です（ID トークンでは aud に入ります）。"
        "自分のアプリクライアント ID と一致するか確認します。",
        f"{_TOKENS}#aud-versus-client_id"),
    GlossaryEntry(
        "token_use",
        "Which token this is: \"id\" or \"access\". Check it: an API must refuse the other kind even when its "
        "signature is valid.",
        "トークンの種類で、\"id\" か \"access\" です。署名が正しくても、API は想定と違う種類のトークンを"
        "拒否しなければならないので、必ず確認します。",
        f"{_TOKENS}#token_use"),
    GlossaryEntry(
        "iss",
        "Issuer: https://cognito-idp.{region}.amazonaws.com/{userPoolId}, on the AWS host even when the pool "
        "has a custom domain. It must equal your pool's issuer exactly.",
        "発行者。https://cognito-idp.{region}.amazonaws.com/{userPoolId} で、プールにカスタムドメインがあっても "
        "AWS のホストのままです。自分のプールの発行者と完全に一致することを確認します。",
        f"{_TOKENS}#how-to-verify-a-token"),
    GlossaryEntry(
        "auth_time",
        "When the user originally signed in (epoch seconds). Refreshing issues new tokens but keeps this time.",
        "ユーザーが最初にサインインした時刻（エポック秒）。リフレッシュで新しいトークンが発行されても、"
        "この値は変わりません。",
        f"{_TOKENS}#time-claims-iat-exp-and-auth_time"),
    GlossaryEntry(
        "iat",
        "Issued at: when this token was issued (epoch seconds). New at every refresh.",
        "このトークンの発行時刻（エポック秒）。リフレッシュのたびに新しくなります。",
        f"{_TOKENS}#time-claims-iat-exp-and-auth_time"),
    GlossaryEntry(
        "exp",
        "Expiry (epoch seconds): reject the token from this time on. By default one hour after iat.",
        "有効期限（エポック秒）。この時刻以降はトークンを拒否します。既定では iat の 1 時間後です。",
        f"{_TOKENS}#time-claims-iat-exp-and-auth_time"),
    GlossaryEntry(
        "nbf",
        "Not before (epoch seconds). Not in Cognito's documented samples; an HTTP API JWT authorizer checks "
        "it when present.",
        "この時刻より前は無効（エポック秒）。Cognito のドキュメントのサンプルには現れませんが、"
        "HTTP API の JWT オーソライザーは存在すれば確認します。",
        f"{_TOKENS}#time-claims-iat-exp-and-auth_time"),
    GlossaryEntry(
        "jti",
        "JWT ID: a unique id for this one token.",
        "JWT ID。トークン 1 つごとに固有の ID です。",
        f"{_TOKENS}#claims-of-the-id-token"),
    GlossaryEntry(
        "origin_jti",
        "The id of the original authentication: the same in every token issued from one sign-in and its refreshes.",
        "元の認証の ID。1 回のサインインと、そこからのリフレッシュで発行されたトークンすべてで同じ値です。",
        f"{_TOKENS}#claims-of-the-id-token"),
    GlossaryEntry(
        "event_id",
        "An id of the sign-in event. Present in real tokens; AWS's 2023 guide does not describe it.",
        "サインインイベントの ID。実際のトークンには含まれますが、2023 年版の AWS ガイドには説明がありません。",
        f"{_TOKENS}#claims-of-the-id-token"),
    GlossaryEntry(
        "cognito:username",
        "ID token: the username. In a pool where users sign in with email or phone number, a UUID equal to sub.",
        "ID トークンのユーザー名。メールアドレスや電話番号でサインインするプールでは、sub と同じ UUID です。",
        f"{_TOKENS}#claims-of-the-id-token"),
    GlossaryEntry(
        "username",
        "Access token: the username (the ID token calls it cognito:username).",
        "アクセストークンのユーザー名（ID トークンでは cognito:username）。",
        f"{_TOKENS}#claims-of-the-access-token"),
    GlossaryEntry(
        "cognito:groups",
        "The user's user-pool groups, a JSON array, in both the ID token and the access token.",
        "ユーザーが属するユーザープールグループ（JSON 配列）。ID トークンにもアクセストークンにも入ります。",
        f"{_TOKENS}#groups-and-roles-claims"),
    GlossaryEntry(
        "cognito:roles",
        "The IAM role ARNs of the user's groups (a JSON array in real tokens). An identity pool can choose "
        "the role from it.",
        "ユーザーのグループに設定された IAM ロールの ARN（実際のトークンでは JSON 配列）。"
        "ID プールはここからロールを選べます。",
        f"{_TOKENS}#groups-and-roles-claims"),
    GlossaryEntry(
        "cognito:preferred_role",
        "The role of the user's group with the lowest precedence value. Not set when groups with different "
        "roles tie.",
        "優先順位（Precedence）の値が最も小さいグループのロール。異なるロールを持つグループが同順位のときは"
        "設定されません。",
        f"{_TOKENS}#groups-and-roles-claims"),
    GlossaryEntry(
        "scope",
        "Access token: the granted scopes, one space-separated string. After a native (InitiateAuth) sign-in, "
        "only aws.cognito.signin.user.admin.",
        "アクセストークンに付与されたスコープ（スペース区切りの 1 つの文字列）。ネイティブ API（InitiateAuth）で"
        "サインインした場合は aws.cognito.signin.user.admin だけです。",
        f"{_TOKENS}#claims-of-the-access-token"),
    GlossaryEntry(
        "email",
        "ID token: the user's email attribute, when the app client may read it.",
        "ID トークン：ユーザーのメールアドレス属性。アプリクライアントに読み取り権限があるときに入ります。",
        f"{_TOKENS}#claims-of-the-id-token"),
    GlossaryEntry(
        "email_verified",
        "ID token: whether the email address is verified, a JSON boolean (API Gateway passes it to the backend "
        "as the string \"true\").",
        "ID トークン：メールアドレスが検証済みかどうか。JSON の真偽値です（API Gateway がバックエンドに渡すときは"
        "文字列 \"true\"）。",
        f"{_TOKENS}#claims-of-the-id-token"),
    GlossaryEntry(
        "phone_number",
        "ID token: the user's phone number attribute, when the app client may read it.",
        "ID トークン：ユーザーの電話番号属性。アプリクライアントに読み取り権限があるときに入ります。",
        f"{_TOKENS}#claims-of-the-id-token"),
    GlossaryEntry(
        "phone_number_verified",
        "ID token: whether the phone number is verified.",
        "ID トークン：電話番号が検証済みかどうか。",
        f"{_TOKENS}#claims-of-the-id-token"),
    GlossaryEntry(
        "nonce",
        "ID token from the OAuth endpoints: the nonce the app sent to /oauth2/authorize, echoed back so the "
        "app can match the token to its request.",
        "OAuth エンドポイント経由の ID トークン：アプリが /oauth2/authorize に送った nonce がそのまま入ります。"
        "トークンと自分のリクエストを対応づけるためのものです。",
        f"{_SIGN_IN}#the-authorize-endpoint-and-pkce"),
    GlossaryEntry(
        "at_hash",
        "ID token from the OAuth endpoints: a hash of the access token issued with it.",
        "OAuth エンドポイント経由の ID トークン：同時に発行されたアクセストークンのハッシュです。",
        f"{_TOKENS}#claims-of-the-id-token"),
    GlossaryEntry(
        "version",
        "Access token: seen as 2 in real tokens. Its meaning is not documented (unconfirmed).",
        "アクセストークン：実際のトークンでは 2。意味はドキュメントに記載がありません（未確認）。",
        f"{_TOKENS}#claims-of-the-access-token"),
    GlossaryEntry(
        "custom:*",
        "A custom user attribute, such as custom:department. Always a string in the ID token, whatever the "
        "attribute's type.",
        "カスタム属性（例：custom:department）。属性の型にかかわらず、ID トークンでは常に文字列です。",
        f"{_TOKENS}#claims-of-the-id-token"),
    GlossaryEntry(
        "identities",
        "Federated users only: the external identities linked to the user (provider name and type, user id, …).",
        "フェデレーションユーザーのみ：ユーザーに紐づく外部 ID（プロバイダー名と種類、ユーザー ID など）。",
        f"{_TOKENS}#claims-of-the-id-token"),
    GlossaryEntry(
        "amr",
        "Authentication methods. Rolling out gradually in user pool ID tokens; in an identity pool's OpenID "
        "token it lists authenticated or unauthenticated, and the providers used.",
        "認証方式。ユーザープールの ID トークンには段階的に導入中です。ID プールが発行する OpenID トークンでは "
        "authenticated または unauthenticated と、使われたプロバイダーが並びます。",
        f"{_TOKENS}#claims-of-the-id-token"),
    GlossaryEntry(
        "acr",
        "Authentication context class. AWS says it is rolling out gradually and may not be in your pool's ID "
        "tokens yet.",
        "認証コンテキストクラス。AWS によれば段階的に導入中で、まだ自分のプールの ID トークンには入らないことがあります。",
        f"{_TOKENS}#claims-of-the-id-token"),
    GlossaryEntry(
        "device_key",
        "Access token: the key of the remembered device, when device tracking is in use.",
        "アクセストークン：デバイストラッキングを使っているとき、記憶されたデバイスのキーが入ります。",
        f"{_TOKENS}#claims-of-the-access-token"),
)

# Everything else the lab talks about.
TERMS: Mapping[str, GlossaryEntry] = _entries(
    GlossaryEntry(
        "user pool",
        "A Cognito user directory: signs users in and issues ID, access and refresh tokens, as an OpenID "
        "Connect issuer of its own.",
        "ユーザープール。Cognito のユーザーディレクトリで、ユーザーをサインインさせて ID・アクセス・リフレッシュ"
        "トークンを発行します。それ自体が OpenID Connect の発行者です。",
        f"{_SIGN_IN}#the-two-ways-in"),
    GlossaryEntry(
        "app client",
        "An application registered in a user pool: a client id, an optional secret, the auth flows, OAuth "
        "flows and scopes it may use.",
        "アプリクライアント。ユーザープールに登録したアプリで、クライアント ID、任意のシークレット、使える認証フロー・"
        "OAuth フロー・スコープを持ちます。",
        f"{_SIGN_IN}#auth-flows-an-app-client-allows"),
    GlossaryEntry(
        "client secret",
        "An app client's optional secret. A client that has one must send SECRET_HASH on every sign-in call; "
        "only a server can keep it.",
        "クライアントシークレット。アプリクライアントに任意で持たせる秘密の値です。持たせたクライアントはサインインの"
        "呼び出しごとに SECRET_HASH を送る必要があり、秘密を保てるのはサーバーだけです。",
        f"{_SIGN_IN}#secret_hash"),
    GlossaryEntry(
        "SECRET_HASH",
        "Base64(HMAC-SHA256(key = client secret, message = username + client id)), required when the app "
        "client has a secret.",
        "SECRET_HASH。Base64(HMAC-SHA256(鍵 = クライアントシークレット, メッセージ = ユーザー名 + クライアント ID)) で、"
        "シークレットを持つアプリクライアントでは必須です。",
        f"{_SIGN_IN}#secret_hash"),
    GlossaryEntry(
        "InitiateAuth",
        "The native sign-in call: an unsigned POST to cognito-idp that answers with tokens, a challenge or an error.",
        "InitiateAuth。ネイティブのサインイン呼び出しで、cognito-idp への署名なしの POST です。"
        "トークン、チャレンジ、エラーのいずれかが返ります。",
        f"{_SIGN_IN}#the-native-api-on-the-wire"),
    GlossaryEntry(
        "USER_PASSWORD_AUTH",
        "Native flow that sends the username and the password (over TLS) in one call. Off unless the app "
        "client enables it.",
        "USER_PASSWORD_AUTH。ユーザー名とパスワードを（TLS 上で）1 回の呼び出しで送るネイティブのフローです。"
        "アプリクライアントで有効にしない限り使えません。",
        f"{_SIGN_IN}#user_password_auth"),
    GlossaryEntry(
        "USER_SRP_AUTH",
        "Native flow using SRP: two round trips, and the password never leaves the client.",
        "USER_SRP_AUTH。SRP を使うネイティブのフローで、2 往復かかり、パスワードはクライアントの外に出ません。",
        f"{_SIGN_IN}#user_srp_auth"),
    GlossaryEntry(
        "SRP",
        "Secure Remote Password: proves the client knows the password without sending it; Cognito keeps "
        "only a verifier.",
        "SRP（Secure Remote Password）。パスワードを送らずに、それを知っていることを証明する方式です。"
        "Cognito が保存するのは検証子だけです。",
        f"{_SIGN_IN}#why-the-password-never-crosses-the-wire"),
    GlossaryEntry(
        "REFRESH_TOKEN_AUTH",
        "Native flow that trades a refresh token for new ID and access tokens; auth_time keeps the original "
        "sign-in time.",
        "REFRESH_TOKEN_AUTH。更新トークンを新しい ID トークンとアクセストークンに交換するネイティブのフローです。"
        "auth_time は最初のサインイン時刻のままです。",
        f"{_SIGN_IN}#refresh_token_auth-and-auth_time"),
    GlossaryEntry(
        "refresh token",
        "The long-lived token (30 days by default) that the app sends only to Cognito, to get new ID and "
        "access tokens.",
        "更新トークン。有効期間の長い（既定 30 日）トークンで、新しい ID トークンとアクセストークンを得るために"
        "アプリが Cognito にだけ送ります。",
        f"{_SIGN_IN}#refresh_token_auth-and-auth_time"),
    GlossaryEntry(
        "challenge",
        "Cognito's answer when sign-in needs another step (NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA, …); "
        "the app answers with RespondToAuthChallenge and the Session.",
        "チャレンジ。サインインにもう 1 段階必要なときの Cognito の応答です（NEW_PASSWORD_REQUIRED、"
        "SOFTWARE_TOKEN_MFA など）。アプリは RespondToAuthChallenge と Session で回答します。",
        f"{_SIGN_IN}#challenges"),
    GlossaryEntry(
        "NEW_PASSWORD_REQUIRED",
        "Challenge for a user with a temporary password: answer with NEW_PASSWORD and any required attributes.",
        "NEW_PASSWORD_REQUIRED。仮パスワードを持つユーザーへのチャレンジで、NEW_PASSWORD と必須属性で回答します。",
        f"{_SIGN_IN}#new_password_required"),
    GlossaryEntry(
        "SOFTWARE_TOKEN_MFA",
        "Challenge for a user with an authenticator app: answer with SOFTWARE_TOKEN_MFA_CODE.",
        "SOFTWARE_TOKEN_MFA。認証アプリを登録したユーザーへのチャレンジで、SOFTWARE_TOKEN_MFA_CODE で回答します。",
        f"{_SIGN_IN}#software_token_mfa"),
    GlossaryEntry(
        "PreventUserExistenceErrors",
        "App client setting: ENABLED makes an unknown user look like a wrong password; the API default is LEGACY.",
        "PreventUserExistenceErrors。アプリクライアントの設定で、ENABLED にすると存在しないユーザーがパスワード誤りと"
        "同じに見えます。API の既定値は LEGACY です。",
        f"{_SIGN_IN}#error-catalogue"),
    GlossaryEntry(
        "OAuth 2.0 endpoints",
        "The /oauth2/authorize, /oauth2/token, /oauth2/userInfo and /oauth2/revoke endpoints and /logout, "
        "served on the user pool's domain.",
        "OAuth 2.0 エンドポイント。ユーザープールのドメインで提供される /oauth2/authorize、/oauth2/token、"
        "/oauth2/userInfo、/oauth2/revoke と /logout です。",
        f"{_SIGN_IN}#oauth-20-endpoints"),
    GlossaryEntry(
        "PKCE",
        "Proof Key for Code Exchange: a code_challenge (S256 only in Cognito) ties the authorization code to "
        "the app that holds the code_verifier.",
        "PKCE（Proof Key for Code Exchange）。code_challenge（Cognito では S256 のみ）で、認可コードを "
        "code_verifier を持つアプリに結びつけます。",
        f"{_SIGN_IN}#the-authorize-endpoint-and-pkce"),
    GlossaryEntry(
        "authorization code",
        "Single-use code, valid 5 minutes, sent to the redirect URI and exchanged for tokens at /oauth2/token.",
        "認可コード。1 回限り・有効期間 5 分のコードで、リダイレクト URI に届き、/oauth2/token でトークンと交換します。",
        f"{_SIGN_IN}#the-authorize-endpoint-and-pkce"),
    GlossaryEntry(
        "client credentials",
        "OAuth grant for machine-to-machine calls: an app client with a secret gets an access token with "
        "custom scopes, and no user is involved.",
        "クライアントクレデンシャル。マシン間通信用の OAuth グラントで、シークレットを持つアプリクライアントが"
        "カスタムスコープ付きのアクセストークンを得ます。ユーザーは関与しません。",
        f"{_SIGN_IN}#the-token-endpoint"),
    GlossaryEntry(
        "userInfo endpoint",
        "GET /oauth2/userInfo with an access token that has the openid scope returns the user's claims.",
        "userInfo エンドポイント。openid スコープを持つアクセストークンで GET /oauth2/userInfo を呼ぶと、"
        "ユーザーのクレームが返ります。",
        f"{_SIGN_IN}#the-userinfo-endpoint"),
    GlossaryEntry(
        "scopes",
        "What an access token allows: openid, email, phone, profile, aws.cognito.signin.user.admin, and the "
        "custom scopes of resource servers.",
        "スコープ。アクセストークンで許されること：openid、email、phone、profile、aws.cognito.signin.user.admin、"
        "そしてリソースサーバーのカスタムスコープです。",
        f"{_SIGN_IN}#scopes"),
    GlossaryEntry(
        "resource server",
        "Your API as the user pool knows it: an identifier plus custom scopes, named {identifier}/{scope}.",
        "リソースサーバー。ユーザープールに登録した自分の API で、識別子とカスタムスコープを持ち、"
        "スコープは {識別子}/{スコープ} と表します。",
        f"{_SIGN_IN}#scopes"),
    GlossaryEntry(
        "aws.cognito.signin.user.admin",
        "The scope of the user's self-service calls (GetUser, UpdateUserAttributes, …), and the only scope in "
        "native sign-in access tokens.",
        "ユーザー自身の操作（GetUser、UpdateUserAttributes など）のためのスコープで、ネイティブ API の"
        "アクセストークンに入る唯一のスコープです。",
        f"{_SIGN_IN}#why-native-sign-in-tokens-carry-no-custom-scopes"),
    GlossaryEntry(
        "JWT",
        "JSON Web Token: header.payload.signature, each part base64url. Cognito's ID and access tokens are "
        "JWTs signed with RS256.",
        "JWT（JSON Web Token）。ヘッダー.ペイロード.署名 の 3 つの base64url 部分からなります。Cognito の ID トークンと"
        "アクセストークンは RS256 で署名された JWT です。",
        f"{_TOKENS}#at-a-glance"),
    GlossaryEntry(
        "ID token",
        "The JWT that tells the app who signed in (token_use id, aud). Also what identity pools and REST "
        "authorizers without scopes take.",
        "ID トークン。誰がサインインしたかをアプリに伝える JWT です（token_use は id、aud あり）。ID プールと、"
        "スコープなしの REST オーソライザーが受け取るのもこれです。",
        f"{_TOKENS}#what-each-token-is-for"),
    GlossaryEntry(
        "access token",
        "The JWT that tells an API what the caller may do (token_use access, client_id, scope). For scoped "
        "APIs and Cognito's self-service calls.",
        "アクセストークン。呼び出し元に何が許されるかを API に伝える JWT です（token_use は access、client_id と "
        "scope あり）。スコープを確認する API や、Cognito のユーザー自身の操作に使います。",
        f"{_TOKENS}#what-each-token-is-for"),
    GlossaryEntry(
        "JWKS",
        "JSON Web Key Set: the user pool's public keys at …/{userPoolId}/.well-known/jwks.json, one for ID "
        "tokens and one for access tokens.",
        "JWKS（JSON Web Key Set）。…/{userPoolId}/.well-known/jwks.json にあるユーザープールの公開鍵で、"
        "ID トークン用とアクセストークン用の 2 つがあります。",
        f"{_TOKENS}#signing-keys-and-the-jwks"),
    GlossaryEntry(
        "pre token generation trigger",
        "A Lambda trigger that changes claims before Cognito signs the tokens: version 1 the ID token only, "
        "version 2 both tokens and the scopes (Essentials or Plus plan), version 3 also the access tokens of "
        "machine-to-machine (client credentials) grants.",
        "トークン生成前トリガー。Cognito が署名する前にクレームを変える Lambda トリガーです。バージョン 1 は "
        "ID トークンのみ、バージョン 2 は両方のトークンとスコープ（Essentials または Plus プラン）、バージョン 3 "
        "はさらにマシン間（クライアント認証情報）のアクセストークンも変えられます。",
        f"{_TOKENS}#changing-claims-the-pre-token-generation-trigger"),
    GlossaryEntry(
        "identity pool",
        "Cognito federated identities: trades a provider's token (or nothing, for guests) for temporary AWS "
        "credentials of an IAM role.",
        "ID プール。Cognito フェデレーティッドアイデンティティで、プロバイダーのトークン（ゲストなら何もなし）を "
        "IAM ロールの一時的な AWS 認証情報と交換します。",
        f"{_IDENTITY}#what-an-identity-pool-does"),
    GlossaryEntry(
        "identity id",
        "An identity's id in an identity pool, {region}:{GUID}, returned by GetId.",
        "アイデンティティ ID。ID プールにおけるアイデンティティの ID で、{region}:{GUID} の形です。GetId が返します。",
        f"{_IDENTITY}#the-enhanced-flow"),
    GlossaryEntry(
        "Logins map",
        "Provider name → token. For a user pool: cognito-idp.{region}.amazonaws.com/{userPoolId} (no "
        "https://) → the ID token.",
        "Logins マップ。プロバイダー名 → トークン の対応です。ユーザープールなら "
        "cognito-idp.{region}.amazonaws.com/{userPoolId}（https:// なし）→ ID トークン。",
        f"{_IDENTITY}#the-logins-map"),
    GlossaryEntry(
        "enhanced flow",
        "GetId, then GetCredentialsForIdentity: Cognito picks the role and calls STS; the credentials last one hour.",
        "拡張フロー。GetId の後に GetCredentialsForIdentity を呼びます。ロールの決定と STS の呼び出しは Cognito が行い、"
        "認証情報は 1 時間有効です。",
        f"{_IDENTITY}#the-enhanced-flow"),
    GlossaryEntry(
        "basic flow",
        "GetId, GetOpenIdToken, then STS AssumeRoleWithWebIdentity with a role the app picks; the pool must "
        "allow it (AllowClassicFlow).",
        "基本フロー。GetId、GetOpenIdToken の後、アプリが選んだロールで STS の AssumeRoleWithWebIdentity を呼びます。"
        "プール側で許可（AllowClassicFlow）が必要です。",
        f"{_IDENTITY}#the-basic-flow"),
    GlossaryEntry(
        "guest identity",
        "An unauthenticated identity (no Logins map), allowed only if the pool allows guests; it gets the "
        "pool's unauthenticated role.",
        "ゲスト（未認証）アイデンティティ。Logins マップなしのアイデンティティで、プールがゲストを許可している場合だけ"
        "使えます。プールの unauthenticated ロールを受け取ります。",
        f"{_IDENTITY}#default-roles"),
    GlossaryEntry(
        "role mapping",
        "How an identity pool picks the role for one provider and app client: choose role from token, or rules.",
        "ロールマッピング。プロバイダーとアプリクライアントごとに、ID プールがロールを選ぶ方法です"
        "（トークンからロールを選ぶ、またはルール）。",
        f"{_IDENTITY}#role-resolution"),
    GlossaryEntry(
        "choose role from token",
        "Role mapping of type Token: CustomRoleArn if it is in cognito:roles, else cognito:preferred_role, "
        "else AmbiguousRoleResolution.",
        "トークンからロールを選ぶ（Token タイプのマッピング）。CustomRoleArn が cognito:roles にあればそれ、"
        "なければ cognito:preferred_role、それもなければ AmbiguousRoleResolution に従います。",
        f"{_IDENTITY}#choose-role-from-token"),
    GlossaryEntry(
        "CustomRoleArn",
        "The role an app asks for in GetCredentialsForIdentity; with choose role from token it must be one "
        "of cognito:roles.",
        "CustomRoleArn。アプリが GetCredentialsForIdentity で要求するロールです。「トークンからロールを選ぶ」では "
        "cognito:roles に含まれている必要があります。",
        f"{_IDENTITY}#choose-role-from-token"),
    GlossaryEntry(
        "AmbiguousRoleResolution",
        "What a role mapping does when neither the token nor the rules decide: AuthenticatedRole (the "
        "default role) or Deny.",
        "AmbiguousRoleResolution。トークンでもルールでもロールが決まらないときの扱いで、AuthenticatedRole"
        "（既定のロール）か Deny（拒否）です。",
        f"{_IDENTITY}#ambiguousroleresolution"),
    GlossaryEntry(
        "trust policy",
        "The IAM role's statement of who may assume it: for identity pools, cognito-identity.amazonaws.com "
        "with conditions on aud (the pool id) and amr.",
        "信頼ポリシー。誰がそのロールを引き受けられるかを定める IAM ロールのポリシーです。ID プールの場合は "
        "cognito-identity.amazonaws.com に対し、aud（プール ID）と amr の条件を付けます。",
        f"{_IDENTITY}#trust-policies"),
    GlossaryEntry(
        "ServerSideTokenCheck",
        "Identity pool setting: also ask the user pool whether the user was signed out or deleted before "
        "giving credentials.",
        "ServerSideTokenCheck。ID プールの設定で、認証情報を渡す前に、ユーザーがサインアウト済みや削除済みでないかを"
        "ユーザープールに確認します。",
        f"{_IDENTITY}#what-the-pool-checks"),
    GlossaryEntry(
        "principal tags",
        "Claims an identity pool copies into session tags, for IAM policies using ${aws:PrincipalTag/…}.",
        "プリンシパルタグ。ID プールがクレームをセッションタグにコピーしたもので、IAM ポリシーから "
        "${aws:PrincipalTag/…} で参照します。",
        f"{_IDENTITY}#attributes-for-access-control"),
    GlossaryEntry(
        "REST API Cognito authorizer",
        "API Gateway REST authorizer of type COGNITO_USER_POOLS: an ID token when the method has no scopes, "
        "an access token with a matching scope when it has some.",
        "REST API の Cognito オーソライザー（COGNITO_USER_POOLS）。メソッドにスコープがなければ ID トークン、"
        "あれば一致するスコープを持つアクセストークンを要求します。",
        f"{_API}#rest-api-the-cognito_user_pools-authorizer"),
    GlossaryEntry(
        "HTTP API JWT authorizer",
        "HTTP API authorizer of type JWT: checks the signature, iss, aud (or client_id when there is no aud) "
        "against its audience, expiry and route scopes.",
        "HTTP API の JWT オーソライザー。署名、iss、オーディエンスに対する aud（aud がなければ client_id）、"
        "有効期限、ルートのスコープを確認します。",
        f"{_API}#http-api-the-jwt-authorizer"),
    GlossaryEntry(
        "AWS_IAM / SigV4",
        "API Gateway authorization by IAM: the request is signed with Signature Version 4 for the service "
        "execute-api, and a policy must allow execute-api:Invoke.",
        "AWS_IAM / SigV4。IAM による API Gateway の認可です。リクエストをサービス execute-api 向けに署名バージョン 4 で"
        "署名し、execute-api:Invoke を許可するポリシーが必要です。",
        f"{_API}#aws_iam-sigv4-with-identity-pool-credentials"),
    GlossaryEntry(
        "execute-api",
        "The service name for signing and authorizing calls to API Gateway APIs (action execute-api:Invoke).",
        "execute-api。API Gateway の API を呼ぶときの署名と認可に使うサービス名です（アクションは execute-api:Invoke）。",
        f"{_API}#signing-for-execute-api"),
    GlossaryEntry(
        "Bearer",
        "The prefix in Authorization: Bearer <token>. Documented for HTTP API JWT authorizers; accepted in "
        "practice by REST Cognito authorizers (unconfirmed).",
        "Bearer。Authorization: Bearer <トークン> の接頭辞です。HTTP API の JWT オーソライザーでは明記されており、"
        "REST の Cognito オーソライザーでも実際には受け付けられます（未確認）。",
        f"{_API}#the-bearer-prefix"),
)

GLOSSARY: Mapping[str, GlossaryEntry] = MappingProxyType({**HEADER_FIELDS, **CLAIMS, **TERMS})
_BY_FOLDED_TERM: Mapping[str, GlossaryEntry] = MappingProxyType(
    {term.casefold(): entry for term, entry in GLOSSARY.items()})

# The Japanese pages' anchors for the sections above: the same heading, at the same position.
DOC_SECTIONS_JA: Mapping[str, str] = MappingProxyType({
    "api-gateway.md#aws_iam-sigv4-with-identity-pool-credentials": "api-gateway.md#aws_iamid-プールの認証情報による-sigv4",
    "api-gateway.md#http-api-the-jwt-authorizer": "api-gateway.md#http-apijwt-オーソライザー",
    "api-gateway.md#rest-api-the-cognito_user_pools-authorizer": "api-gateway.md#rest-apicognito_user_pools-オーソライザー",
    "api-gateway.md#signing-for-execute-api": "api-gateway.md#execute-api-向けの署名",
    "api-gateway.md#the-bearer-prefix": "api-gateway.md#bearer-接頭辞",
    "identity-pools.md#ambiguousroleresolution": "identity-pools.md#ambiguousroleresolution",
    "identity-pools.md#attributes-for-access-control": "identity-pools.md#アクセス制御のための属性",
    "identity-pools.md#choose-role-from-token": "identity-pools.md#トークンからロールを選ぶ",
    "identity-pools.md#default-roles": "identity-pools.md#既定のロール",
    "identity-pools.md#role-resolution": "identity-pools.md#ロールの決まり方",
    "identity-pools.md#the-basic-flow": "identity-pools.md#基本フロー",
    "identity-pools.md#the-enhanced-flow": "identity-pools.md#拡張フロー",
    "identity-pools.md#the-logins-map": "identity-pools.md#logins-マップ",
    "identity-pools.md#trust-policies": "identity-pools.md#信頼ポリシー",
    "identity-pools.md#what-an-identity-pool-does": "identity-pools.md#id-プールの役割",
    "identity-pools.md#what-the-pool-checks": "identity-pools.md#プールが確認すること",
    "sign-in.md#auth-flows-an-app-client-allows": "sign-in.md#アプリクライアントで許可する認証フロー",
    "sign-in.md#challenges": "sign-in.md#チャレンジ",
    "sign-in.md#error-catalogue": "sign-in.md#エラー一覧",
    "sign-in.md#new_password_required": "sign-in.md#new_password_required",
    "sign-in.md#oauth-20-endpoints": "sign-in.md#oauth-20-エンドポイント",
    "sign-in.md#refresh_token_auth-and-auth_time": "sign-in.md#refresh_token_auth-と-auth_time",
    "sign-in.md#scopes": "sign-in.md#スコープ",
    "sign-in.md#secret_hash": "sign-in.md#secret_hash",
    "sign-in.md#software_token_mfa": "sign-in.md#software_token_mfa",
    "sign-in.md#the-authorize-endpoint-and-pkce": "sign-in.md#認可エンドポイントと-pkce",
    "sign-in.md#the-native-api-on-the-wire": "sign-in.md#ネイティブ-api-の通信内容",
    "sign-in.md#the-token-endpoint": "sign-in.md#トークンエンドポイント",
    "sign-in.md#the-two-ways-in": "sign-in.md#2-つの入口",
    "sign-in.md#the-userinfo-endpoint": "sign-in.md#userinfo-エンドポイント",
    "sign-in.md#user_password_auth": "sign-in.md#user_password_auth",
    "sign-in.md#user_srp_auth": "sign-in.md#user_srp_auth",
    "sign-in.md#why-native-sign-in-tokens-carry-no-custom-scopes": "sign-in.md#ネイティブ-api-のトークンにカスタムスコープが入らない理由",
    "sign-in.md#why-the-password-never-crosses-the-wire": "sign-in.md#パスワードが通信経路に乗らない理由",
    "tokens.md#at-a-glance": "tokens.md#早わかり",
    "tokens.md#aud-versus-client_id": "tokens.md#aud-と-client_id",
    "tokens.md#changing-claims-the-pre-token-generation-trigger": "tokens.md#クレームを変えるトークン生成前トリガー",
    "tokens.md#claims-of-the-access-token": "tokens.md#アクセストークンのクレーム",
    "tokens.md#claims-of-the-id-token": "tokens.md#id-トークンのクレーム",
    "tokens.md#groups-and-roles-claims": "tokens.md#グループとロールのクレーム",
    "tokens.md#how-to-verify-a-token": "tokens.md#トークンの検証方法",
    "tokens.md#signing-keys-and-the-jwks": "tokens.md#署名鍵と-jwks",
    "tokens.md#the-header-kid-alg-and-no-typ": "tokens.md#ヘッダーkid-と-algtyp-はない",
    "tokens.md#time-claims-iat-exp-and-auth_time": "tokens.md#時刻のクレームiatexpauth_time",
    "tokens.md#token_use": "tokens.md#token_use",
    "tokens.md#what-each-token-is-for": "tokens.md#それぞれのトークンの用途",
})

_PAGE_TITLES: Mapping[str, tuple[str, str]] = MappingProxyType({
    "sign-in.md": ("Sign-in", "サインイン"),
    "tokens.md": ("Tokens", "トークン"),
    "identity-pools.md": ("Identity pools", "ID プール"),
    "api-gateway.md": ("API Gateway", "API Gateway"),
})

_TEXT: Mapping[str, tuple[str, str]] = MappingProxyType({
    "title": ("Glossary", "用語集"),
    "intro": (
        "Every term and token claim the lab explains, with the section of these docs that says more. "
        "The dashboard's token tables show the same explanations.",
        "ラボで説明しているすべての用語とトークンのクレームを、詳しい説明のある節へのリンクとともにまとめました。"
        "ダッシュボードのトークン表にも同じ説明が表示されます。"),
    "generated": (
        "Last checked against AWS: 2026-12-04. This page is generated from `flows/glossary.py`: edit that "
        "file, then run `python -m flows.glossary en > docs/en/glossary.md`.",
        "AWS のドキュメントとの最終確認日：2026-12-04。このページは `flows/glossary.py` から生成しています。内容を変えるときはそのファイルを編集し、"
        "`python -m flows.glossary ja > docs/ja/glossary.md` を実行してください。"),
    "header": ("Token header", "トークンのヘッダー"),
    "claims": ("Token claims", "トークンのクレーム"),
    "terms": ("Terms", "用語"),
    "col_field": ("Field", "フィールド"),
    "col_claim": ("Claim", "クレーム"),
    "col_term": ("Term", "用語"),
    "col_meaning": ("Meaning", "意味"),
    "col_more": ("More", "詳しく"),
})


def lookup(term: str) -> GlossaryEntry | None:
    """The entry for a claim or term; any `custom:<name>` claim is the `custom:*` entry."""
    key = term.strip()
    if key.startswith("custom:"):
        key = "custom:*"
    return GLOSSARY.get(key) or _BY_FOLDED_TERM.get(key.casefold())


def explain(term: str, lang: str) -> str | None:
    """What a claim or term means, in `lang` ("en" or "ja"; English otherwise); None if unknown."""
    entry = lookup(term)
    return entry.text(lang) if entry else None


def doc_link(doc: str, lang: str) -> str:
    """An entry's docs section, as linked from the pages of `lang`."""
    return DOC_SECTIONS_JA.get(doc, doc) if lang == "ja" else doc


def _label(key: str, lang: str) -> str:
    return _TEXT[key][1 if lang == "ja" else 0]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _row(entry: GlossaryEntry, lang: str, as_code: bool) -> str:
    term = f"`{entry.term}`" if as_code else entry.term
    page = entry.doc.partition("#")[0]
    title = _PAGE_TITLES[page][1 if lang == "ja" else 0]
    return f"| {_cell(term)} | {_cell(entry.text(lang))} | [{title}]({doc_link(entry.doc, lang)}) |"


def _table(entries: list[GlossaryEntry], first_column: str, lang: str, as_code: bool) -> list[str]:
    header = f"| {_label(first_column, lang)} | {_label('col_meaning', lang)} | {_label('col_more', lang)} |"
    return [header, "| --- | --- | --- |"] + [_row(entry, lang, as_code) for entry in entries]


def render_markdown(lang: str) -> str:
    """The whole glossary page of the docs in `lang`."""
    terms = sorted(TERMS.values(), key=lambda entry: entry.term.casefold())
    lines = [f"# {_label('title', lang)}", "", _label("intro", lang), "", _label("generated", lang), ""]
    for heading, column, entries, as_code in (
        ("header", "col_field", list(HEADER_FIELDS.values()), True),
        ("claims", "col_claim", list(CLAIMS.values()), True),
        ("terms", "col_term", terms, False),
    ):
        lines += [f"## {_label(heading, lang)}", ""] + _table(entries, column, lang, as_code) + [""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    lang = argv[1] if len(argv) > 1 else "en"
    if lang not in LANGUAGES:
        print(f"usage: python -m flows.glossary {{{'|'.join(LANGUAGES)}}}", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(render_markdown(lang).encode("utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
