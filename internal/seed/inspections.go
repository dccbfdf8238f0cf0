package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
	"modelward/internal/store"
)

// Inspection is an inspection on site the demo holds, with its visits as
// they stood on the demo's day. The team is its leader.
type Inspection struct {
	Year     int
	Level    string
	Province string
	From, To time.Time
	Leader   string
	Visits   []Visit
}

// Visit is a ward's visit. The team found each criterion as the
// appraisal's tier has it, but where Differ says otherwise, on every
// criterion the file judged (the first Found of them, while the visit goes
// on; all when Found is 0); Proposal and Note are the leader's conclusion,
// none while the visit goes on.
type Visit struct {
	Ward     string
	Found    int
	Differ   map[int]Finding
	Proposal string
	Note     string
}

// Finding is a finding that differs from the appraisal.
type Finding struct {
	Status assess.Status
	Note   string
}

// Appraisal is a province's appraisal of one criterion that differs from
// the ward's claim, made by the user named.
type Appraisal struct {
	Year   int
	Ward   string
	Number int
	Status assess.Status
	Reason string
	By     string
}

// demoAppraisals are the demo's appraisals: Hà Nội did not accept Ô Chợ
// Dừa's claim on its pavements in 2026.
var demoAppraisals = []Appraisal{
	{Year: 2026, Ward: "00190", Number: 13, Status: assess.NotMet, By: "hanoi",
		Reason: "Còn lấn chiếm vỉa hè tại khu chợ; biên bản xử lý vi phạm chưa đủ."},
}

// demoInspections are the demo's inspections: the Ministry's visit to Hà
// Nội's fifteen Ministry-level wards on 10/11/2023 (what the press
// reported: 3 at 19/22 with the three year-end criteria pending, the others
// short), and its visit of December 2026, under way.
func demoInspections() []Inspection {
	ministry2023 := []string{"09552", "00019", "00190", "00094", "00091", "00013", "00058", "00166",
		"00130", "00244", "00256", "00349", "00625", "09541", "00199"}
	visits := make([]Visit, len(ministry2023))
	for i, w := range ministry2023 {
		visits[i] = Visit{Ward: w, Proposal: "decline",
			Note: "Chưa đạt đủ các tiêu chí đã đánh giá; đề nghị phường khắc phục và đăng ký lại năm sau."}
		if i < 3 {
			visits[i].Proposal = "recognize"
			visits[i].Note = "Đạt 19/22 tiêu chí; đề nghị công nhận khi ba tiêu chí đánh giá cuối năm đạt."
		}
	}
	return []Inspection{
		{Year: 2023, Level: "ministry", Province: "01", Leader: "bocongan",
			From: time.Date(2023, time.November, 10, 0, 0, 0, 0, time.UTC), To: time.Date(2023, time.November, 10, 0, 0, 0, 0, time.UTC),
			Visits: visits},
		{Year: 2026, Level: "ministry", Province: "01", Leader: "bocongan",
			From: time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, time.December, 11, 0, 0, 0, 0, time.UTC),
			Visits: []Visit{
				{Ward: "00004", Proposal: "recognize", Note: "Đạt 20/20 tiêu chí qua kiểm tra thực tế; đề nghị Bộ công nhận."},
				{Ward: "00097", Found: 12, Differ: map[int]Finding{
					11: {assess.NotMet, "Hai cơ sở karaoke chưa đủ điều kiện phòng cháy tại thời điểm kiểm tra."},
				}},
			}},
	}
}

// loadAppraisal writes an appraisal unless the criterion has one.
func loadAppraisal(ctx context.Context, tx pgx.Tx, p Appraisal) (int, error) {
	var id int64
	err := tx.QueryRow(ctx, `
		INSERT INTO appraisals (assessment_id, number, agreed, status, reason, appraised_by, appraised_at)
		SELECT a.id, $3, false, $4, $5, (SELECT id FROM users WHERE username = $6), make_timestamptz($1, 11, 28, 9, 0, 0, 'Asia/Ho_Chi_Minh')
		FROM assessments a WHERE a.ward_id = unit_in_year($2, $1) AND a.year = $1
		ON CONFLICT DO NOTHING RETURNING assessment_id`, p.Year, p.Ward, p.Number, p.Status, p.Reason, p.By).Scan(&id)
	if err == pgx.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("appraisal %s %d/%d: %w", p.Ward, p.Year, p.Number, err)
	}
	return 1, store.RefreshAssessment(ctx, tx, id, p.Year)
}

// loadInspection writes an inspection with its visits and findings,
// unless one of the year, province and level already starts that day.
func loadInspection(ctx context.Context, tx pgx.Tx, in Inspection) (int, error) {
	var id int64
	err := tx.QueryRow(ctx, `
		INSERT INTO inspections (year, level, province_id, starts_on, ends_on, leader_id, planned_by, planned_at)
		SELECT $1, $2, unit_in_year($3, $1), $4, $5, u.id, u.id, $4::date - 14
		FROM users u WHERE u.username = $6
		  AND NOT EXISTS (SELECT 1 FROM inspections i WHERE i.year = $1 AND i.level = $2
		                  AND i.province_id = unit_in_year($3, $1) AND i.starts_on = $4)
		RETURNING id`, in.Year, in.Level, in.Province, in.From, in.To, in.Leader).Scan(&id)
	if err == pgx.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("inspection %s %d: %w", in.Province, in.Year, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO inspection_members (inspection_id, user_id) SELECT $1, leader_id FROM inspections WHERE id = $1`, id); err != nil {
		return 0, err
	}
	for _, v := range in.Visits {
		var aid int64
		err := tx.QueryRow(ctx, `
			INSERT INTO inspection_wards (inspection_id, assessment_id)
			SELECT $1, a.id FROM assessments a WHERE a.ward_id = unit_in_year($2, $3) AND a.year = $3
			RETURNING assessment_id`, id, v.Ward, in.Year).Scan(&aid)
		if err != nil {
			return 0, fmt.Errorf("visit %s %d: %w", v.Ward, in.Year, err)
		}
		// The appraisal's tier, criterion by criterion, for the findings
		// that agree with it.
		rows, err := tx.Query(ctx, `
			SELECT c.number, coalesce(p.status, r.status, 'not_started'), coalesce(p.value, r.value)::text
			FROM criteria c
			LEFT JOIN results r ON r.assessment_id = $1 AND r.number = c.number
			LEFT JOIN appraisals p ON p.assessment_id = $1 AND p.number = c.number
			WHERE c.year = $2 ORDER BY c.number`, aid, in.Year)
		if err != nil {
			return 0, err
		}
		type tier struct {
			number int
			status assess.Status
			value  *string
		}
		var tiers []tier
		var t tier
		if _, err := pgx.ForEachRow(rows, []any{&t.number, &t.status, &t.value}, func() error {
			tiers = append(tiers, t)
			return nil
		}); err != nil {
			return 0, err
		}
		found := 0
		for _, t := range tiers {
			if !t.status.Judged() || v.Found > 0 && found == v.Found {
				continue
			}
			found++
			status, note, value := t.status, "", t.value
			if d, ok := v.Differ[t.number]; ok {
				status, note, value = d.Status, d.Note, nil
			}
			if _, err := tx.Exec(ctx, `INSERT INTO findings (assessment_id, number, status, value, note, found_by, found_at)
				SELECT $1, $2, $3, $4::numeric, $5, leader_id, starts_on + time '10:00' FROM inspections WHERE id = $6`,
				aid, t.number, status, value, note, id); err != nil {
				return 0, fmt.Errorf("finding %s %d/%d: %w", v.Ward, in.Year, t.number, err)
			}
		}
		if v.Proposal != "" {
			if _, err := tx.Exec(ctx, `UPDATE inspection_wards w SET proposal = $2, note = $3, concluded_by = i.leader_id,
				concluded_at = i.ends_on + time '16:00' FROM inspections i WHERE i.id = w.inspection_id AND w.assessment_id = $1`,
				aid, v.Proposal, v.Note); err != nil {
				return 0, err
			}
		}
		if err := store.RefreshAssessment(ctx, tx, aid, in.Year); err != nil {
			return 0, err
		}
	}
	return 1, nil
}
