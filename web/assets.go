package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
)

// assetVersions are the static files' content hashes, computed once:
// an asset's address changes with its content, so browsers may keep it
// for a year.
var assetVersions = func() map[string]string {
	v := map[string]string{}
	err := fs.WalkDir(Static, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(Static, path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		v[path[len("static/"):]] = hex.EncodeToString(sum[:6])
		return nil
	})
	if err != nil {
		panic(err)
	}
	return v
}()

// Asset is the address of a static file, with its content hash.
func Asset(name string) string { return "/static/" + name + "?v=" + assetVersions[name] }

// AssetVersion is the content hash of a static file, empty when none.
func AssetVersion(name string) string { return assetVersions[name] }
