package server

import "testing"

// Uploads in flight: 2 per user, 8 for the server copy; a slot given
// back can be taken again.
func TestUploadSlots(t *testing.T) {
	var u uploadSlots
	for i := range uploadsPerUser {
		if !u.take(1) {
			t.Fatalf("a user's upload %d is refused", i+1)
		}
	}
	if u.take(1) {
		t.Error("a user's third upload in flight is let in")
	}
	for user := int64(2); user <= 4; user++ {
		for range uploadsPerUser {
			if !u.take(user) {
				t.Fatalf("user %d's upload is refused with %d in flight", user, u.total)
			}
		}
	}
	if u.take(5) {
		t.Error("a ninth upload in flight on the server is let in")
	}
	u.give(1)
	if !u.take(5) {
		t.Error("a slot given back is not taken again")
	}
	if u.take(1) {
		t.Error("an upload is let in while the server has 8 in flight")
	}
}
