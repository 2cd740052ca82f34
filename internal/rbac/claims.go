package rbac

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Claims are what a service-account token says about itself. They are read
// without checking the signature: the provider only uses them to tell when
// its own token ends and which service account it was issued for, never to
// trust a token someone handed it.
type Claims struct {
	Subject   string
	Audiences []string
	IssuedAt  time.Time
	Expires   time.Time // zero for a legacy Secret token, which never expires
	// ServiceAccountUID is the UID of the service account the token was
	// issued for: a token of a deleted account does not work for a new one
	// of the same name.
	ServiceAccountUID string
}

// ReadClaims decodes the claims of a JWT.
func ReadClaims(token string) (Claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return Claims{}, errors.New("not a JWT")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return Claims{}, err
	}
	var c struct {
		Sub string          `json:"sub"`
		Aud json.RawMessage `json:"aud"`
		Iat int64           `json:"iat"`
		Exp int64           `json:"exp"`
		K8s struct {
			ServiceAccount struct {
				UID string `json:"uid"`
			} `json:"serviceaccount"`
		} `json:"kubernetes.io"`
		LegacyUID string `json:"kubernetes.io/serviceaccount/service-account.uid"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return Claims{}, err
	}
	out := Claims{Subject: c.Sub, ServiceAccountUID: c.K8s.ServiceAccount.UID}
	if out.ServiceAccountUID == "" {
		out.ServiceAccountUID = c.LegacyUID
	}
	// "aud" is a string or a list of strings.
	if len(c.Aud) > 0 && json.Unmarshal(c.Aud, &out.Audiences) != nil {
		var one string
		if json.Unmarshal(c.Aud, &one) == nil {
			out.Audiences = []string{one}
		}
	}
	if c.Iat > 0 {
		out.IssuedAt = time.Unix(c.Iat, 0).UTC()
	}
	if c.Exp > 0 {
		out.Expires = time.Unix(c.Exp, 0).UTC()
	}
	return out, nil
}
