package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
)

// Inspection is a visit on site (kiểm tra thực tế) by a team, to approved
// wards of one province registered at the inspection's level.
type Inspection struct {
	ID           int64
	Year         int
	Level        string // ministry or city
	ProvinceID   int64
	ProvinceCode string
	ProvinceName string
	ProvinceType string // tinh or thanh_pho
	From, To     time.Time
	Leader       Member
	Members      []Member // the leader first
	PlannedBy    string
	PlannedAt    time.Time
	Wards        []InspectedWard
}

// Member is a member of an inspection's team.
type Member struct {
	ID       int64
	Username string
	FullName string
}

// HasMember says whether the user is in the team.
func (i Inspection) HasMember(user int64) bool {
	return slices.ContainsFunc(i.Members, func(m Member) bool { return m.ID == user })
}

// InspectedWard is a ward in an inspection's plan, with its standings and
// how far the visit has gone.
type InspectedWard struct {
	Code        string
	Name        string
	State       assess.State
	Total       int
	Claimed     int
	Appraised   *int
	Inspected   *int
	Findings    int // criteria with a finding
	Proposal    string
	ConcludedAt *time.Time
}

// InspectionPlan is an inspection as its planner sends it: the wards and
// members by code and username.
type InspectionPlan struct {
	Year     int
	Level    string
	Province string
	From, To time.Time
	Wards    []string
	Members  []string
	Leader   string
}

// PlanError says which part of a plan the database's facts refuse, and
// for which wards or users: Field is wards, members or leader (or
// province), Reason a key of the refusal.
type PlanError struct {
	Field  string
	Reason string
	Items  []string
}

func (e *PlanError) Error() string {
	return fmt.Sprintf("inspection plan: %s %s %v", e.Field, e.Reason, e.Items)
}

// PlanInspection records an inspection with its wards and team, audited,
// and tells the wards' officers, the province's reviewers and the team.
// Each ward must be the province's, registered at the plan's level,
// approved and in no other inspection; each member a Ministry user, or at
// city level also a reviewer of the province; the leader one of them.
// Nothing is written when any is refused (a *PlanError).
func (s *Store) PlanInspection(ctx context.Context, actor assess.Actor, p InspectionPlan) (int64, error) {
	var id int64
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		var province int64
		err := tx.QueryRow(ctx, `SELECT id FROM units WHERE id = unit_in_year($1, $2) AND kind = 'province'`, p.Province, p.Year).Scan(&province)
		if errors.Is(err, pgx.ErrNoRows) {
			return &PlanError{Field: "province", Reason: "unknown", Items: []string{p.Province}}
		}
		if err != nil {
			return err
		}
		// The wards, each with why it cannot be inspected, if it cannot.
		rows, err := tx.Query(ctx, `
			SELECT asked.code, a.id,
			       CASE WHEN w.id IS NULL THEN 'unknown'
			            WHEN p.id IS DISTINCT FROM $3 THEN 'province'
			            WHEN r.level IS DISTINCT FROM $4 THEN 'level'
			            WHEN a.state IS DISTINCT FROM 'approved' THEN 'state'
			            WHEN v.assessment_id IS NOT NULL THEN 'planned'
			            ELSE '' END
			FROM unnest($1::text[]) AS asked (code)
			LEFT JOIN units w ON w.id = unit_in_year(asked.code, $2) AND w.kind = 'ward'`+placeWardLeft+`
			LEFT JOIN units p ON p.id = `+provinceIDSQL+`
			LEFT JOIN registrations r ON r.ward_id = w.id AND r.year = $2
			LEFT JOIN assessments a ON a.ward_id = w.id AND a.year = $2
			LEFT JOIN inspection_wards v ON v.assessment_id = a.id`, p.Wards, p.Year, province, p.Level)
		if err != nil {
			return err
		}
		assessments, why, items, err := checked(rows, "unknown", "province", "level", "state", "planned")
		if err != nil {
			return err
		}
		if why != "" {
			return &PlanError{Field: "wards", Reason: why, Items: items}
		}
		// The team: the leader among the members.
		members := p.Members
		if !slices.Contains(members, p.Leader) {
			members = append([]string{p.Leader}, members...)
		}
		rows, err = tx.Query(ctx, `
			SELECT asked.name, u.id,
			       CASE WHEN u.id IS NULL OR NOT u.active THEN 'unknown'
			            WHEN u.role = 'ministry' THEN ''
			            WHEN u.role = 'reviewer' AND $3 = 'city' AND u.unit_id = $2 THEN ''
			            ELSE 'role' END
			FROM unnest($1::text[]) WITH ORDINALITY AS asked (name, n) LEFT JOIN users u ON u.username = asked.name
			ORDER BY asked.n`, members, province, p.Level)
		if err != nil {
			return err
		}
		users, why, items, err := checked(rows, "unknown", "role")
		if err != nil {
			return err
		}
		if why != "" {
			field := "members"
			if slices.Contains(items, p.Leader) {
				field = "leader"
			}
			return &PlanError{Field: field, Reason: why, Items: items}
		}
		// The leader's id: members are checked in the order asked, the
		// leader among them.
		leader := users[slices.Index(members, p.Leader)]
		err = tx.QueryRow(ctx, `INSERT INTO inspections (year, level, province_id, starts_on, ends_on, leader_id, planned_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			p.Year, p.Level, province, p.From, p.To, leader, actorID(actor)).Scan(&id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO inspection_members (inspection_id, user_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, id, users); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO inspection_wards (inspection_id, assessment_id) SELECT $1, unnest($2::bigint[])`, id, assessments); err != nil {
			return err
		}
		after, _ := json.Marshal(map[string]any{"level": p.Level, "province": p.Province, "starts_on": p.From.Format(time.DateOnly),
			"ends_on": p.To.Format(time.DateOnly), "wards": p.Wards, "members": members, "leader": p.Leader})
		if err := audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr,
			Action: "inspection_plan", Entity: "inspection", EntityKey: fmt.Sprintf("%d/%d", p.Year, id), After: after}); err != nil {
			return err
		}
		dates := []string{p.From.Format("02/01/2006"), p.To.Format("02/01/2006")}
		for _, a := range assessments {
			n, err := wardNotice(ctx, tx, a, "inspection_planned", "", actorID(actor), dates...)
			if err != nil {
				return err
			}
			if err := notify(ctx, tx, n, wardOfficers, provinceReviewers); err != nil {
				return err
			}
		}
		return notify(ctx, tx, notice{Kind: "inspection_member", Href: fmt.Sprintf("/%d/inspections/%d", p.Year, id), Year: p.Year,
			Actor: actorID(actor), Inspection: id, Args: append([]string{fmt.Sprint(len(assessments)), fmt.Sprint(p.Year)}, dates...)},
			inspectionTeam)
	})
	return id, err
}

// checked reads rows of (an item asked for, its id, why it is refused or
// ""), as a plan's or a decision's check of what it names lists them: the
// ids in order when none is refused, else the first reason of reasons (in
// that order) with the items it refuses.
func checked(rows pgx.Rows, reasons ...string) (ids []int64, why string, items []string, err error) {
	refused := map[string][]string{}
	var item, reason string
	var id *int64
	if _, err := pgx.ForEachRow(rows, []any{&item, &id, &reason}, func() error {
		if reason != "" {
			refused[reason] = append(refused[reason], item)
		} else {
			ids = append(ids, *id)
		}
		return nil
	}); err != nil {
		return nil, "", nil, err
	}
	for _, r := range reasons {
		if len(refused[r]) > 0 {
			return nil, r, refused[r], nil
		}
	}
	return ids, "", nil, nil
}

// placeWardLeft is placeWardSQL for the year $2, for a ward that may not
// exist: every join a left one.
var placeWardLeft = strings.ReplaceAll(placeWardOn("$2"), "\t\tJOIN ", "\t\tLEFT JOIN ")

// inspectionSQL reads inspections of year $1 (all of them when $2 is 0,
// else the one with id $2), with their province, leader and planner.
const inspectionSQL = `
	SELECT i.id, i.year, i.level, p.id, p.code, p.name, p.type, i.starts_on, i.ends_on,
	       l.id, l.username, l.full_name, coalesce(b.full_name, ''), i.planned_at
	FROM inspections i
	JOIN units p ON p.id = i.province_id
	JOIN users l ON l.id = i.leader_id
	LEFT JOIN users b ON b.id = i.planned_by
	WHERE i.year = $1 AND ($2 = 0 OR i.id = $2)
	ORDER BY i.starts_on, i.id`

// inspectionWardsSQL reads the wards of the inspections of year $1 ($2 as
// in inspectionSQL) with their standings and visits.
var inspectionWardsSQL = `
	SELECT v.inspection_id, w.code, w.name, a.state, (SELECT count(*) FROM criteria c WHERE c.year = a.year),
	       a.claimed_met, a.appraised_met, a.inspected_met,
	       (SELECT count(*) FROM findings f WHERE f.assessment_id = a.id), coalesce(v.proposal, ''), v.concluded_at
	FROM inspection_wards v
	JOIN inspections i ON i.id = v.inspection_id
	JOIN assessments a ON a.id = v.assessment_id
	JOIN units w ON w.id = a.ward_id
	WHERE i.year = $1 AND ($2 = 0 OR i.id = $2)
	ORDER BY w.code`

// inspectionMembersSQL reads the teams of the inspections of year $1 ($2
// as in inspectionSQL), each leader first.
const inspectionMembersSQL = `
	SELECT m.inspection_id, u.id, u.username, u.full_name
	FROM inspection_members m
	JOIN inspections i ON i.id = m.inspection_id
	JOIN users u ON u.id = m.user_id
	WHERE i.year = $1 AND ($2 = 0 OR i.id = $2)
	ORDER BY u.id <> i.leader_id, u.full_name`

// Inspections lists the inspections of a year with their wards and teams,
// in the order of their first day. One round trip whatever their number.
func (s *Store) Inspections(ctx context.Context, year int) ([]Inspection, error) {
	return s.inspections(ctx, year, 0)
}

// Inspection returns inspection id of year, or ErrNotFound.
func (s *Store) Inspection(ctx context.Context, year int, id int64) (Inspection, error) {
	list, err := s.inspections(ctx, year, id)
	if err != nil {
		return Inspection{}, err
	}
	if len(list) == 0 {
		return Inspection{}, fmt.Errorf("inspection %d/%d: %w", year, id, ErrNotFound)
	}
	return list[0], nil
}

func (s *Store) inspections(ctx context.Context, year int, id int64) ([]Inspection, error) {
	b := &pgx.Batch{}
	b.Queue(inspectionSQL, year, id)
	b.Queue(inspectionWardsSQL, year, id)
	b.Queue(inspectionMembersSQL, year, id)
	br := s.pool.SendBatch(ctx, b)
	defer br.Close()
	rows, err := br.Query()
	if err != nil {
		return nil, fmt.Errorf("inspections %d: %w", year, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Inspection, error) {
		var i Inspection
		err := r.Scan(&i.ID, &i.Year, &i.Level, &i.ProvinceID, &i.ProvinceCode, &i.ProvinceName, &i.ProvinceType, &i.From, &i.To,
			&i.Leader.ID, &i.Leader.Username, &i.Leader.FullName, &i.PlannedBy, &i.PlannedAt)
		return i, err
	})
	if err != nil {
		return nil, fmt.Errorf("inspections %d: %w", year, err)
	}
	at := make(map[int64]*Inspection, len(list))
	for k := range list {
		at[list[k].ID] = &list[k]
	}
	if rows, err = br.Query(); err != nil {
		return nil, fmt.Errorf("inspections %d: %w", year, err)
	}
	var owner int64
	var w InspectedWard
	if _, err := pgx.ForEachRow(rows, []any{&owner, &w.Code, &w.Name, &w.State, &w.Total, &w.Claimed, &w.Appraised, &w.Inspected,
		&w.Findings, &w.Proposal, &w.ConcludedAt}, func() error {
		if i := at[owner]; i != nil {
			i.Wards = append(i.Wards, w)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("inspections %d: %w", year, err)
	}
	if rows, err = br.Query(); err != nil {
		return nil, fmt.Errorf("inspections %d: %w", year, err)
	}
	var m Member
	if _, err := pgx.ForEachRow(rows, []any{&owner, &m.ID, &m.Username, &m.FullName}, func() error {
		if i := at[owner]; i != nil {
			i.Members = append(i.Members, m)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("inspections %d: %w", year, err)
	}
	return list, br.Close()
}

// FindingChange is a member's finding on criterion Number of a ward's
// file during inspection Inspection, made on the visit's Version.
type FindingChange struct {
	Inspection int64
	Ward       string
	Year       int
	Number     int
	Finding    assess.Finding
	Version    int
}

// ErrNotMember means the user is not in the inspection's team (or, for a
// conclusion, is not its leader).
var ErrNotMember = errors.New("not in the inspection's team")

// lockVisit locks a ward's visit in an inspection for a change by the
// actor: the visit must exist (ErrNotFound), be open (ErrState) on an
// approved file, and the actor be in the team (ErrNotMember; the leader
// when leader is set). It returns the assessment's id and the visit's
// version.
func lockVisit(ctx context.Context, tx pgx.Tx, actor assess.Actor, inspection int64, ward string, year int, leader bool) (int64, int, error) {
	var aid int64
	var version int
	var concluded bool
	var state assess.State
	var member, isLeader bool
	err := tx.QueryRow(ctx, `
		SELECT a.id, v.version, v.concluded_at IS NOT NULL, a.state,
		       EXISTS (SELECT 1 FROM inspection_members m WHERE m.inspection_id = i.id AND m.user_id = $4),
		       i.leader_id = $4
		FROM inspection_wards v
		JOIN inspections i ON i.id = v.inspection_id
		JOIN assessments a ON a.id = v.assessment_id
		WHERE v.inspection_id = $1 AND i.year = $3 AND a.ward_id = unit_in_year($2, $3)
		FOR UPDATE OF v, a`, inspection, ward, year, actor.ID).Scan(&aid, &version, &concluded, &state, &member, &isLeader)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return 0, 0, fmt.Errorf("visit %d %s %d: %w", inspection, ward, year, ErrNotFound)
	case err != nil:
		return 0, 0, err
	case !member || leader && !isLeader:
		return 0, 0, fmt.Errorf("visit %d %s %d by %s: %w", inspection, ward, year, actor.Username, ErrNotMember)
	case concluded || state != assess.Approved:
		return 0, 0, fmt.Errorf("visit %d %s %d (%s, concluded %v): %w", inspection, ward, year, state, concluded, ErrState)
	}
	return aid, version, nil
}

// SaveFinding records a member's finding on one criterion, at the visit's
// version the member saw (a stale one is a *StaleError), audited, the
// file's standings counted again; the visit's version moves on. A photo
// taken on the visit (photo, when not nil) is stored with it, as the
// inspection's evidence, in the same transaction.
func (s *Store) SaveFinding(ctx context.Context, actor assess.Actor, c FindingChange, photo *NewEvidence) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		aid, version, err := lockVisit(ctx, tx, actor, c.Inspection, c.Ward, c.Year, false)
		if err != nil {
			return err
		}
		if version != c.Version {
			return &StaleError{Current: Result{Number: c.Number, Version: version}}
		}
		var before []byte
		err = tx.QueryRow(ctx, `SELECT json_build_object('status', status, 'value', value, 'note', note) FROM findings
			WHERE assessment_id = $1 AND number = $2`, aid, c.Number).Scan(&before)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		f := c.Finding
		_, err = tx.Exec(ctx, `
			INSERT INTO findings (assessment_id, number, status, value, note, found_by, found_at)
			VALUES ($1, $2, $3, NULLIF($4, '')::numeric, $5, $6, now())
			ON CONFLICT (assessment_id, number) DO UPDATE
			SET status = excluded.status, value = excluded.value, note = excluded.note, found_by = excluded.found_by, found_at = now()`,
			aid, c.Number, f.Status, f.Value, f.Note, actorID(actor))
		if err != nil {
			return fmt.Errorf("finding %s %d/%d: %w", c.Ward, c.Year, c.Number, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE inspection_wards SET version = version + 1 WHERE assessment_id = $1`, aid); err != nil {
			return err
		}
		if photo != nil {
			photo.Inspection, photo.Ward, photo.Year, photo.Number = c.Inspection, c.Ward, c.Year, c.Number
			if _, err := s.addEvidence(ctx, tx, actor, aid, *photo); err != nil {
				return err
			}
		}
		if err := refreshAssessment(ctx, tx, aid, c.Year); err != nil {
			return err
		}
		after, _ := json.Marshal(map[string]any{"status": f.Status, "value": f.Value, "note": f.Note, "inspection": c.Inspection})
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr,
			Action: "finding_update", Entity: "result", EntityKey: fmt.Sprintf("%s/%d/%d", c.Ward, c.Year, c.Number),
			Before: before, After: after})
	})
}

// Conclusion is the leader's conclusion of a ward's visit.
type Conclusion struct {
	Inspection int64
	Ward       string
	Year       int
	Proposal   string // recognize or decline
	Note       string
}

// ErrFindingsMissing means a visit is concluded before every criterion
// that can be judged has a finding; Missing says which.
type ErrFindingsMissing struct{ Missing []int }

func (e *ErrFindingsMissing) Error() string {
	return fmt.Sprintf("criteria without a finding: %v", e.Missing)
}

// ConcludeVisit records the leader's conclusion of a ward's visit, which
// makes its sheet read-only: every criterion must have its finding but a
// year-end one while the year end is not open (yearEndOpen). Audited,
// the standings counted again, the ward's officers and the province's
// reviewers told, and those who may decide when recognition is proposed.
func (s *Store) ConcludeVisit(ctx context.Context, actor assess.Actor, c Conclusion, yearEndOpen bool) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		aid, _, err := lockVisit(ctx, tx, actor, c.Inspection, c.Ward, c.Year, true)
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `
			SELECT c.number FROM criteria c
			LEFT JOIN findings f ON f.assessment_id = $1 AND f.number = c.number
			WHERE c.year = $2 AND f.number IS NULL AND (NOT c.year_end OR $3)
			ORDER BY c.number`, aid, c.Year, yearEndOpen)
		if err != nil {
			return err
		}
		missing, err := pgx.CollectRows(rows, pgx.RowTo[int])
		if err != nil {
			return err
		}
		if len(missing) > 0 {
			return &ErrFindingsMissing{Missing: missing}
		}
		if _, err := tx.Exec(ctx, `UPDATE inspection_wards SET proposal = $2, note = $3, concluded_by = $4, concluded_at = now(), version = version + 1
			WHERE assessment_id = $1`, aid, c.Proposal, c.Note, actorID(actor)); err != nil {
			return err
		}
		if err := refreshAssessment(ctx, tx, aid, c.Year); err != nil {
			return err
		}
		after, _ := json.Marshal(map[string]any{"proposal": c.Proposal, "note": c.Note, "inspection": c.Inspection})
		if err := audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr,
			Action: "inspection_conclude", Entity: "assessment", EntityKey: assessmentKey(c.Ward, c.Year), After: after}); err != nil {
			return err
		}
		n, err := wardNotice(ctx, tx, aid, "inspection_"+c.Proposal, "", actorID(actor))
		if err != nil {
			return err
		}
		if err := notify(ctx, tx, n, wardOfficers, provinceReviewers); err != nil {
			return err
		}
		if c.Proposal != "recognize" {
			return nil
		}
		f, err := fileOf(ctx, tx, aid, c.Year)
		if err != nil || assess.RecognitionBar(f.Level, f.Visit, f.standings().Official()) != nil {
			return err
		}
		d, err := wardNotice(ctx, tx, aid, "decision_due", "#recognize", actorID(actor))
		if err != nil {
			return err
		}
		return notify(ctx, tx, d, decider(f.Level))
	})
}

// Candidate is a ward an inspection may visit, or a user who may join it.
type Candidate struct {
	Code string // a ward's code, a user's username
	Name string
	Note string // a ward's standing ("19/20"), a user's unit
}

// InspectionCandidates lists what a plan at level in the province (by
// id) may hold for year: the province's approved wards registered at that
// level in no inspection yet, with their official standing, and the users
// who may join the team (Ministry users; at city level also the province's
// reviewers).
func (s *Store) InspectionCandidates(ctx context.Context, year int, province int64, level string) (wards, users []Candidate, err error) {
	rows, err := s.pool.Query(ctx, `
		SELECT w.code, w.name, a.met || '/' || (SELECT count(*) FROM criteria c WHERE c.year = $1)
		FROM registrations r
		JOIN units w ON w.id = r.ward_id`+placeWardSQL+`
		JOIN assessments a ON a.ward_id = w.id AND a.year = $1
		WHERE r.year = $1 AND r.level = $3 AND a.state = 'approved' AND `+provinceIDSQL+` = $2
		  AND NOT EXISTS (SELECT 1 FROM inspection_wards v WHERE v.assessment_id = a.id)
		ORDER BY w.code`, year, province, level)
	if err != nil {
		return nil, nil, fmt.Errorf("inspection candidates %d: %w", year, err)
	}
	scan := func(r pgx.CollectableRow) (Candidate, error) {
		var c Candidate
		return c, r.Scan(&c.Code, &c.Name, &c.Note)
	}
	if wards, err = pgx.CollectRows(rows, scan); err != nil {
		return nil, nil, fmt.Errorf("inspection candidates %d: %w", year, err)
	}
	rows, err = s.pool.Query(ctx, `
		SELECT u.username, u.full_name, n.name
		FROM users u JOIN units n ON n.id = u.unit_id
		WHERE u.active AND (u.role = 'ministry' OR u.role = 'reviewer' AND $2 = 'city' AND u.unit_id = $1)
		ORDER BY u.role = 'reviewer', u.full_name`, province, level)
	if err != nil {
		return nil, nil, fmt.Errorf("inspection candidates %d: %w", year, err)
	}
	if users, err = pgx.CollectRows(rows, scan); err != nil {
		return nil, nil, fmt.Errorf("inspection candidates %d: %w", year, err)
	}
	return wards, users, nil
}

// TierChange is one criterion a tier overturned: the ward, what the tier
// before said and what this one says, with its reason, who and when.
type TierChange struct {
	Tier         assess.Tier // appraised or inspected
	ProvinceCode string
	Province     string
	WardCode     string
	Ward         string
	Number       int
	From, To     assess.Status // as shown
	FromValue    string
	ToValue      string
	Reason       string
	By           string
	At           time.Time
}

// tierChangesSQL lists the criteria each tier overturned in the wards
// WardStandings lists ($1 the year, $2 the unit's code), of criterion $3
// (0: every one): the appraisals that differ from the claims, then the
// findings that differ from the appraisal's tier.
var tierChangesSQL = `
	WITH scope (province_code, province, district_code, district, ward_code, ward, state, submitted_at, met, total, pending, statuses,
	            level, decision_no, decision_date, claimed_met, appraised_met, inspected_met, inspection,
	            appraisal_changed, inspection_changed, assessment_id) AS (` + wardStandingsSQL + `)
	SELECT 'appraised', s.province_code, s.province, s.ward_code, s.ward, c.number,
	       ` + shownSQL("r.status") + `, ` + shownSQL("p.status") + `,
	       coalesce(r.value::text, ''), coalesce(p.value::text, ''), p.reason, coalesce(u.full_name, ''), p.appraised_at
	FROM scope s
	JOIN appraisals p ON p.assessment_id = s.assessment_id AND p.number = ANY (s.appraisal_changed)
	JOIN criteria c ON c.year = $1 AND c.number = p.number
	LEFT JOIN results r ON r.assessment_id = s.assessment_id AND r.number = p.number
	LEFT JOIN users u ON u.id = p.appraised_by
	WHERE $3 = 0 OR c.number = $3
	UNION ALL
	SELECT 'inspected', s.province_code, s.province, s.ward_code, s.ward, c.number,
	       ` + shownSQL("coalesce(p.status, r.status)") + `, ` + shownSQL("f.status") + `,
	       coalesce(p.value::text, r.value::text, ''), coalesce(f.value::text, ''), f.note, coalesce(u.full_name, ''), f.found_at
	FROM scope s
	JOIN findings f ON f.assessment_id = s.assessment_id AND f.number = ANY (s.inspection_changed)
	JOIN criteria c ON c.year = $1 AND c.number = f.number
	LEFT JOIN results r ON r.assessment_id = s.assessment_id AND r.number = f.number
	LEFT JOIN appraisals p ON p.assessment_id = s.assessment_id AND p.number = f.number
	LEFT JOIN users u ON u.id = f.found_by
	WHERE $3 = 0 OR c.number = $3
	ORDER BY 1, 2, 4, 6`

// TierChanges lists the criteria the appraisal and the inspection
// overturned in the unit's wards in year, for one criterion or (0) all.
func (s *Store) TierChanges(ctx context.Context, year int, code string, criterion int) ([]TierChange, error) {
	rows, err := s.readQuery(ctx, tierChangesSQL, year, code, criterion)
	if err != nil {
		return nil, fmt.Errorf("tier changes %d %s: %w", year, code, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (TierChange, error) {
		var c TierChange
		err := r.Scan(&c.Tier, &c.ProvinceCode, &c.Province, &c.WardCode, &c.Ward, &c.Number, &c.From, &c.To,
			&c.FromValue, &c.ToValue, &c.Reason, &c.By, &c.At)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("tier changes %d %s: %w", year, code, err)
	}
	return list, nil
}
