package web

import "modelward/internal/words"

// The portal's words live in internal/words, shared with the exports and
// mail; these names keep the templates short.
type Lang = words.Lang

const (
	VI = words.VI
	EN = words.EN
)

var (
	ParseLang      = words.ParseLang
	NoticeText     = words.NoticeText
	HoChiMinh      = words.HoChiMinh
	LevelWord      = words.LevelWord
	ComparatorSign = words.ComparatorSign
	StatusMark     = words.StatusMark
)
