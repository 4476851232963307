package webtest

import (
	"crypto/rand"
	"encoding/hex"
)

func randomName() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
