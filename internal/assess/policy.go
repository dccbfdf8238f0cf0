package assess

import "slices"

// Role is what a user does in the programme.
type Role string

const (
	WardOfficer Role = "ward_officer"
	Reviewer    Role = "reviewer"
	Ministry    Role = "ministry"
	Admin       Role = "admin"
)

// Roles lists every role, in the order forms offer them.
var Roles = []Role{WardOfficer, Reviewer, Ministry, Admin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// FitsUnit reports whether a user of role r may belong to a unit of kind:
// an officer to a ward, a reviewer to a province or district, the Ministry
// and admins to the Ministry itself.
func (r Role) FitsUnit(kind string) bool {
	switch r {
	case WardOfficer:
		return kind == "ward"
	case Reviewer:
		return kind == "province" || kind == "district"
	case Ministry, Admin:
		return kind == "ministry"
	}
	return false
}

// Permission is something a user may be allowed to do to a unit.
type Permission string

const (
	// Read is seeing a unit's dashboard or a ward's assessment.
	Read Permission = "read"
	// Export is downloading a unit's summaries.
	Export Permission = "export"
	// Edit is recording a ward's results and evidence, and submitting.
	Edit Permission = "edit"
	// Import is filling in results from a spreadsheet: an officer their
	// ward's, a reviewer those of the registered wards below them (for
	// wards that work on paper). Which wards' files it may change is
	// ImportOpen's rule.
	Import Permission = "import"
	// Review is approving or returning a ward's submission.
	Review Permission = "review"
	// Extend is giving a ward more time after the self-assessment
	// deadline, or taking it back.
	Extend Permission = "extend"
	// Comment is writing in a criterion's thread.
	Comment Permission = "comment"
	// Register is putting a province's wards on its list for a year, and
	// taking them off.
	Register Permission = "register"
	// SetQuota is setting the Ministry's quota of model wards for a
	// province.
	SetQuota Permission = "set_quota"
	// ReadTree is reading the whole unit tree through the API, as other
	// Ministry systems do.
	ReadTree Permission = "read_tree"
	// Administer is managing users, units and catalogues, and reopening
	// assessments.
	Administer Permission = "administer"
)

// Actor is the signed-in user a request acts for.
type Actor struct {
	ID       int64
	Username string
	Name     string
	Role     Role
	UnitID   int64 // the identity of the user's unit
	UnitCode string
	// Addr is the client's address the act came from, for the audit log;
	// empty for the command line.
	Addr string
}

// Can reports whether the actor may do p to the unit whose path in the
// tree, root first, is path (the units' identities: a code names other
// units at other times). A user's scope is their unit and its subtree.
// MayRegisterLate says whether the actor may still register wards once
// the year's registration deadline has passed: the Ministry, which gives
// the quotas, and admins; a province's reviewers may not.
func (a Actor) MayRegisterLate() bool {
	return a.Role == Ministry || a.Role == Admin
}

// This is the one access policy; every route asks it.
func (a Actor) Can(p Permission, path []int64) bool {
	if len(path) == 0 || a.ID == 0 {
		return false
	}
	inScope := slices.Contains(path, a.UnitID)
	switch a.Role {
	case Admin:
		return p == Read || p == Export || p == Administer || p == Register || p == SetQuota || p == ReadTree || p == Extend
	case Ministry:
		return p == Read || p == Export || p == Comment || p == Register || p == SetQuota || p == ReadTree || p == Extend
	case Reviewer:
		return inScope && (p == Read || p == Export || p == Review || p == Comment || p == Register || p == Extend || p == Import)
	case WardOfficer:
		return inScope && (p == Read || p == Export || p == Edit || p == Comment || p == Import)
	}
	return false
}

// CanRecognise reports whether the actor may record the recognition of a
// ward registered at level, whose path in the tree (identities, root
// first: the Ministry, the province, …) is path. Recognition follows the
// level: the Minister decides for wards registered at the Ministry's
// level, the province for those at its own.
func (a Actor) CanRecognise(level string, path []int64) bool {
	if a.ID == 0 || len(path) < 3 {
		return false
	}
	switch level {
	case "ministry":
		return a.Role == Ministry
	case "city":
		return a.Role == Reviewer && path[1] == a.UnitID
	}
	return false
}

// CanPlanInspection reports whether the actor may plan an inspection at
// level of the province whose identity is province: those who decide at
// that level — the Ministry for Ministry-level wards, the province's
// reviewers for its city-level ones.
func (a Actor) CanPlanInspection(level string, province int64) bool {
	if a.ID == 0 {
		return false
	}
	switch level {
	case "ministry":
		return a.Role == Ministry
	case "city":
		return a.Role == Reviewer && a.UnitID == province
	}
	return false
}

// CanSeeInspection reports whether the actor may read an inspection of
// the province whose identity is province: the Ministry, the province's
// reviewers, and the team's members (member).
func (a Actor) CanSeeInspection(province int64, member bool) bool {
	return a.ID != 0 && (a.Role == Ministry || a.Role == Reviewer && a.UnitID == province || member)
}

// ImportOpen reports whether an import may change a ward's results, its
// assessment in state (empty: none yet), and which criteria: all of them
// (reopened nil), or those a partial return reopened. The results of a
// ward whose file is not open are read, never written.
func ImportOpen(state State, returned []int) (open bool, reopened map[int]bool) {
	if state != "" && !state.Editable() {
		return false, nil
	}
	if state != Returned || len(returned) == 0 {
		return true, nil
	}
	reopened = map[int]bool{}
	for _, n := range returned {
		reopened[n] = true
	}
	return true, reopened
}
