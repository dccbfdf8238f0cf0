package assess

import "testing"

func TestPolicy(t *testing.T) {
	var (
		phuLa    = []string{"VN", "01", "268", "09552"}
		moLao    = []string{"VN", "01", "268", "09541"}
		haDong   = []string{"VN", "01", "268"}
		hanoi    = []string{"VN", "01"}
		nation   = []string{"VN"}
		haiChau  = []string{"VN", "48", "490", "20227"}
		officer  = Actor{ID: 1, Role: WardOfficer, UnitCode: "09552"}
		city     = Actor{ID: 2, Role: Reviewer, UnitCode: "01"}
		district = Actor{ID: 3, Role: Reviewer, UnitCode: "268"}
		ministry = Actor{ID: 4, Role: Ministry, UnitCode: "VN"}
		admin    = Actor{ID: 5, Role: Admin, UnitCode: "VN"}
	)
	tests := []struct {
		who  Actor
		p    Permission
		path []string
		want bool
	}{
		{officer, Read, phuLa, true},
		{officer, Edit, phuLa, true},
		{officer, Export, phuLa, true},
		{officer, Review, phuLa, false},
		{officer, Recognise, phuLa, false},
		{officer, Read, moLao, false},
		{officer, Edit, moLao, false},
		{officer, Read, haDong, false},
		{officer, Read, nation, false},

		{city, Read, hanoi, true},
		{city, Read, phuLa, true},
		{city, Review, phuLa, true},
		{city, Export, hanoi, true},
		{city, Edit, phuLa, false},
		{city, Recognise, phuLa, false},
		{city, Read, nation, false},
		{city, Read, haiChau, false},
		{city, Review, haiChau, false},

		{district, Read, haDong, true},
		{district, Review, moLao, true},
		{district, Read, hanoi, false},

		{ministry, Read, nation, true},
		{ministry, Read, haiChau, true},
		{ministry, Recognise, phuLa, true},
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
		{admin, Recognise, phuLa, false},

		{Actor{}, Read, nation, false},
		{Actor{ID: 9, Role: "boss", UnitCode: "VN"}, Read, nation, false},
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
