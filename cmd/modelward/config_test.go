package main

import (
	"slices"
	"strings"
	"testing"

	"modelward/internal/assess"
)

func TestFactorRoles(t *testing.T) {
	for v, want := range map[string][]assess.Role{
		"":                         nil, // the server's default: admin, ministry
		"none":                     {},
		"admin":                    {assess.Admin},
		"admin, ministry,reviewer": {assess.Admin, assess.Ministry, assess.Reviewer},
	} {
		got, err := factorRoles(func(string) string { return v })
		if err != nil || !slices.Equal(got, want) || (got == nil) != (want == nil) {
			t.Errorf("MFA_ROLES=%q: %v (%v), want %v", v, got, err, want)
		}
	}
	if _, err := factorRoles(func(string) string { return "admin,officer" }); err == nil || !strings.Contains(err.Error(), `"officer"`) {
		t.Errorf("an unknown role: %v", err)
	}
}
