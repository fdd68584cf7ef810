package redcoretest

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/redcore/redcore-go/api"
)

// principal is the authenticated caller of a request: the token's
// organization and scopes. tokenID identifies the token in the rate limiter,
// the idempotency store and the state file without holding the token
// itself.
type principal struct {
	tokenID string
	org     string
	scopes  []string
}

func (p *principal) hasScope(scope string) bool {
	return slices.Contains(p.scopes, scope)
}

// authenticator checks bearer tokens against the grants.
type authenticator struct {
	tokens [][]byte
	grants []principal
}

func newAuthenticator(grants []grant) *authenticator {
	a := &authenticator{}
	for _, g := range grants {
		p := principal{tokenID: tokenID(g.token), org: g.org, scopes: g.scopes}
		if i := slices.IndexFunc(a.tokens, func(t []byte) bool { return string(t) == g.token }); i >= 0 {
			a.grants[i] = p
			continue
		}
		a.tokens = append(a.tokens, []byte(g.token))
		a.grants = append(a.grants, p)
	}
	return a
}

// tokenID returns a stable name of token that does not reveal it.
func tokenID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:12])
}

// authenticate returns the principal of the request's bearer token, or a
// 401 when the Authorization header is missing, malformed or names no
// granted token. Every granted token is compared in constant time, so the
// time taken does not reveal how much of a token was right.
func (a *authenticator) authenticate(r *http.Request) (*principal, *apiError) {
	header := r.Header.Get("Authorization")
	if header == "" {
		return nil, unauthorized(`missing bearer token; send "Authorization: Bearer TOKEN"`)
	}
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || strings.ContainsAny(token, " \t") {
		return nil, unauthorized(`malformed Authorization header; send "Authorization: Bearer TOKEN"`)
	}

	match := -1
	for i, t := range a.tokens {
		if subtle.ConstantTimeCompare(t, []byte(token)) == 1 {
			match = i
		}
	}
	if match < 0 {
		return nil, unauthorized(`unknown bearer token; check that the token is current and sent as "Authorization: Bearer TOKEN"`)
	}
	return &a.grants[match], nil
}

func unauthorized(message string) *apiError {
	return &apiError{status: http.StatusUnauthorized, code: api.UNAUTHORIZED, message: message}
}

// checkScopes returns a 403 unless p carries every scope in required.
func checkScopes(p *principal, required []string) *apiError {
	for _, scope := range required {
		if !p.hasScope(scope) {
			return &apiError{
				status:  http.StatusForbidden,
				code:    api.FORBIDDEN,
				message: fmt.Sprintf("the token lacks the %s scope", scope),
			}
		}
	}
	return nil
}

// requestInfo is the request id and the authenticated principal, which the
// handler finds before the operation runs.
type requestInfo struct {
	id        string
	principal *principal
}

type requestInfoKey struct{}

func withRequestInfo(ctx context.Context, info *requestInfo) context.Context {
	return context.WithValue(ctx, requestInfoKey{}, info)
}

// requestInfoFrom returns the request's info. Operations run only after the
// handler stored it, so a missing value is a bug.
func requestInfoFrom(ctx context.Context) *requestInfo {
	info, ok := ctx.Value(requestInfoKey{}).(*requestInfo)
	if !ok || info.principal == nil {
		panic("redcoretest: operation called without an authenticated request")
	}
	return info
}
