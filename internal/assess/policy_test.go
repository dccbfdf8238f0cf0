package assess

import (
	"maps"
	"testing"
)

func TestPolicy(t *testing.T) {
	var (
		phuLa    = []int64{1, 2, 3, 4}
		moLao    = []int64{1, 2, 3, 5}
		haDong   = []int64{1, 2, 3}
		hanoi    = []int64{1, 2}
		nation   = []int64{1}
		haiChau  = []int64{1, 6, 7, 8}
		officer  = Actor{ID: 1, Role: WardOfficer, UnitID: 4, UnitCode: "09552"}
		city     = Actor{ID: 2, Role: Reviewer, UnitID: 2, UnitCode: "01"}
		district = Actor{ID: 3, Role: Reviewer, UnitID: 3, UnitCode: "268"}
		ministry = Actor{ID: 4, Role: Ministry, UnitID: 1, UnitCode: "VN"}
		admin    = Actor{ID: 5, Role: Admin, UnitID: 1, UnitCode: "VN"}
		// Phường Kiến Hưng has carried code 09552 since 1 July 2025; Phú
		// La carried it before. The code is the same, the unit is not.
		kienHung = Actor{ID: 6, Role: WardOfficer, UnitID: 9, UnitCode: "09552"}
	)
	tests := []struct {
		who  Actor
		p    Permission
		path []int64
		want bool
	}{
		{officer, Read, phuLa, true},
		{officer, Edit, phuLa, true},
		{officer, Export, phuLa, true},
		{officer, Review, phuLa, false},
		{officer, Read, moLao, false},
		{officer, Edit, moLao, false},
		{officer, Read, haDong, false},
		{officer, Read, nation, false},

		{city, Read, hanoi, true},
		{city, Read, phuLa, true},
		{city, Review, phuLa, true},
		{city, Export, hanoi, true},
		{city, Edit, phuLa, false},
		{city, Read, nation, false},
		{city, Read, haiChau, false},
		{city, Review, haiChau, false},

		{district, Read, haDong, true},
		{district, Review, moLao, true},
		{district, Read, hanoi, false},

		{ministry, Read, nation, true},
		{ministry, Read, haiChau, true},
		{ministry, Export, nation, true},
		{ministry, Edit, phuLa, false},
		{ministry, Review, phuLa, false},
		{ministry, Administer, nation, false},

		{officer, Comment, phuLa, true},
		{officer, Comment, moLao, false},
		{city, Comment, phuLa, true},
		{city, Comment, haiChau, false},
		{ministry, Comment, haiChau, true},
		{admin, Comment, phuLa, false},
		{admin, Administer, nation, true},
		{admin, Read, phuLa, true},
		{admin, Edit, phuLa, false},
		{admin, Review, phuLa, false},

		{city, Register, hanoi, true},
		{city, Register, haiChau, false},
		{city, SetQuota, hanoi, false},
		{officer, Register, phuLa, false},
		{ministry, Register, hanoi, true},
		{ministry, SetQuota, hanoi, true},
		{admin, SetQuota, hanoi, true},
		{ministry, ReadTree, nation, true},
		{admin, ReadTree, nation, true},
		{city, ReadTree, nation, false},
		{officer, ReadTree, nation, false},
		{kienHung, Read, phuLa, false},
		{kienHung, Edit, phuLa, false},

		{officer, Import, phuLa, true},
		{officer, Import, moLao, false},
		{officer, Import, haDong, false},
		{city, Import, hanoi, true},
		{city, Import, phuLa, true},
		{city, Import, haiChau, false},
		{ministry, Import, phuLa, false},
		{admin, Import, phuLa, false},
		{kienHung, Import, phuLa, false},

		{Actor{}, Read, nation, false},
		{Actor{ID: 9, Role: "boss", UnitID: 1, UnitCode: "VN"}, Read, nation, false},
		{ministry, Read, nil, false},
	}
	for _, tt := range tests {
		if got := tt.who.Can(tt.p, tt.path); got != tt.want {
			t.Errorf("%s of %s %s %v = %v, want %v", tt.who.Role, tt.who.UnitCode, tt.p, tt.path, got, tt.want)
		}
	}
}

func TestRoleFitsUnit(t *testing.T) {
	for _, tt := range []struct {
		r    Role
		kind string
		want bool
	}{
		{WardOfficer, "ward", true}, {WardOfficer, "district", false},
		{Reviewer, "province", true}, {Reviewer, "district", true}, {Reviewer, "ward", false}, {Reviewer, "ministry", false},
		{Ministry, "ministry", true}, {Ministry, "province", false},
		{Admin, "ministry", true}, {Admin, "ward", false},
		{"boss", "ministry", false},
	} {
		if got := tt.r.FitsUnit(tt.kind); got != tt.want {
			t.Errorf("%s in a %s = %v, want %v", tt.r, tt.kind, got, tt.want)
		}
	}
}

func TestRecognitionFollowsTheLevel(t *testing.T) {
	var (
		phuLa    = []int64{1, 2, 3, 4}
		haiChau  = []int64{1, 6, 7, 8}
		officer  = Actor{ID: 1, Role: WardOfficer, UnitID: 4}
		city     = Actor{ID: 2, Role: Reviewer, UnitID: 2}
		district = Actor{ID: 3, Role: Reviewer, UnitID: 3}
		ministry = Actor{ID: 4, Role: Ministry, UnitID: 1}
		admin    = Actor{ID: 5, Role: Admin, UnitID: 1}
	)
	for _, tt := range []struct {
		who   Actor
		level string
		path  []int64
		want  bool
	}{
		{ministry, "ministry", phuLa, true},
		{ministry, "city", phuLa, false},
		{city, "ministry", phuLa, false},
		{city, "city", phuLa, true},
		{city, "city", haiChau, false},
		{district, "city", phuLa, false},
		{officer, "city", phuLa, false},
		{officer, "ministry", phuLa, false},
		{admin, "ministry", phuLa, false},
		{admin, "city", phuLa, false},
		{ministry, "", phuLa, false},
		{city, "city", []int64{1, 2}, false},
	} {
		if got := tt.who.CanRecognise(tt.level, tt.path); got != tt.want {
			t.Errorf("%s of %d recognising %q %v = %v, want %v", tt.who.Role, tt.who.UnitID, tt.level, tt.path, got, tt.want)
		}
	}
}

// An inspection is planned by those who decide at its level, and read by
// the Ministry, the province's reviewers and the team.
func TestInspectionAccess(t *testing.T) {
	var (
		officer  = Actor{ID: 1, Role: WardOfficer, UnitID: 4}
		city     = Actor{ID: 2, Role: Reviewer, UnitID: 2}
		other    = Actor{ID: 3, Role: Reviewer, UnitID: 6}
		ministry = Actor{ID: 4, Role: Ministry, UnitID: 1}
		admin    = Actor{ID: 5, Role: Admin, UnitID: 1}
	)
	plans := []struct {
		who   Actor
		level string
		want  bool
	}{
		{ministry, "ministry", true}, {ministry, "city", false}, {city, "city", true}, {city, "ministry", false},
		{other, "city", false}, {officer, "city", false}, {admin, "ministry", false}, {ministry, "", false},
	}
	for _, tt := range plans {
		if got := tt.who.CanPlanInspection(tt.level, 2); got != tt.want {
			t.Errorf("%s of %d planning %q in 2 = %v", tt.who.Role, tt.who.UnitID, tt.level, got)
		}
	}
	reads := []struct {
		who    Actor
		member bool
		want   bool
	}{
		{ministry, false, true}, {city, false, true}, {other, false, false}, {other, true, true},
		{officer, false, false}, {admin, false, false}, {Actor{}, true, false},
	}
	for _, tt := range reads {
		if got := tt.who.CanSeeInspection(2, tt.member); got != tt.want {
			t.Errorf("%s of %d (member %v) reading an inspection of 2 = %v", tt.who.Role, tt.who.UnitID, tt.member, got)
		}
	}
}

// An import writes to a ward whose file is the ward's (none yet, in
// draft, returned), and after a partial return only to the criteria
// returned.
func TestImportOpen(t *testing.T) {
	for _, tt := range []struct {
		state    State
		returned []int
		open     bool
		reopened map[int]bool
	}{
		{"", nil, true, nil},
		{Draft, nil, true, nil},
		{Returned, nil, true, nil},
		{Returned, []int{3, 7}, true, map[int]bool{3: true, 7: true}},
		{Submitted, nil, false, nil},
		{Approved, nil, false, nil},
		{Recognized, nil, false, nil},
	} {
		open, reopened := ImportOpen(tt.state, tt.returned)
		if open != tt.open || !maps.Equal(reopened, tt.reopened) {
			t.Errorf("%q %v: %v %v, want %v %v", tt.state, tt.returned, open, reopened, tt.open, tt.reopened)
		}
	}
}
