package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"modelward/internal/assess"
	"modelward/web"
)

// auditChange puts an audit entry's before and after (JSON objects) in the
// reader's words: a line per field, named, with its value before and after
// where both are kept, and only the fields that differ when both are.
// What is not an object is shown as it is.
func auditChange(l web.Lang, before, after string) []web.AuditChange {
	from, okFrom := auditObject(before)
	to, okTo := auditObject(after)
	if (before != "" && !okFrom) || (after != "" && !okTo) {
		return []web.AuditChange{{Field: l.T("audit.change"), From: before, To: after, Had: before != ""}}
	}
	keys := map[string]bool{}
	for k := range from {
		keys[k] = true
	}
	for k := range to {
		keys[k] = true
	}
	var out []web.AuditChange
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if skipAuditField(k) {
			continue
		}
		b, hadB := from[k]
		a, hadA := to[k]
		if hadB && hadA && bytes.Equal(b, a) {
			continue
		}
		c := web.AuditChange{Field: auditField(l, k), Had: hadB}
		if hadB {
			c.From = auditValue(l, k, b)
		}
		if hadA {
			c.To = auditValue(l, k, a)
		} else {
			c.To = "—"
		}
		out = append(out, c)
	}
	return out
}

// auditObject reads a JSON object, keeping each value's text.
func auditObject(s string) (map[string]json.RawMessage, bool) {
	if s == "" {
		return nil, true
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, false
	}
	return m, true
}

// skipAuditField leaves out what the reader cannot use: row identities
// and the whole snapshot a review keeps (the ward page shows it).
func skipAuditField(k string) bool {
	return k == "snapshot" || k == "version" || strings.HasSuffix(k, "_id")
}

func auditField(l web.Lang, k string) string {
	if l.Has("audit.field." + k) {
		return l.T("audit.field." + k)
	}
	return k
}

// auditValue writes one value: a state, status, level or role in words, a
// list or object as its parts, anything else as it is (the page cuts it).
func auditValue(l web.Lang, k string, raw json.RawMessage) string {
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return string(raw)
	}
	return auditText(l, k, v)
}

func auditText(l web.Lang, k string, v any) string {
	switch v := v.(type) {
	case nil:
		return "—"
	case string:
		switch {
		case v == "":
			return "—"
		case k == "state" || k == "from":
			if l.Has("state." + v) {
				return l.State(assess.State(v))
			}
		case k == "status":
			if l.Has("status." + v) {
				return l.Status(assess.Status(v))
			}
		case k == "level":
			if l.Has("level." + v) {
				return l.T("level." + v)
			}
		case k == "role":
			if l.Has("role." + v) {
				return l.T("role." + v)
			}
		}
		return v
	case bool:
		if v {
			return l.T("audit.yes")
		}
		return l.T("audit.no")
	case json.Number:
		return l.Decimal(v.String())
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = auditText(l, k, e)
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		keys := slices.Sorted(maps.Keys(v))
		parts := make([]string, len(keys))
		for i, key := range keys {
			parts[i] = fmt.Sprintf("%s: %s", key, auditText(l, key, v[key]))
		}
		return strings.Join(parts, "; ")
	}
	return fmt.Sprint(v)
}
