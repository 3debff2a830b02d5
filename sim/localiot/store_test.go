package localiot

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"github.com/jitpsim/jitpsim/sim/localiot/template"
	"github.com/jitpsim/jitpsim/sim/pki"
)

func TestStoreKeepsEveryMutation(t *testing.T) {
	dir := t.TempDir()
	r, err := openRegistry(dir, discardLogger())
	require.NoError(t, err)

	code, err := r.RegistrationCode()
	require.NoError(t, err)
	ca := newDeviceCA(t, "store CA")
	body := template.Classic().Body()
	caInfo, err := r.RegisterCACertificate(RegisterCAInput{CACertificatePEM: string(ca.CertPEM), Mode: ModeSNIOnly, SetAsActive: true,
		AllowAutoRegistration: true, RegistrationConfig: &RegistrationConfig{TemplateBody: &body, RoleArn: "arn:aws:iam::123456789012:role/R"}})
	require.NoError(t, err)
	dev := mint(t, ca, pki.Subject{CommonName: "kept"})
	created, _, err := r.registerPending(dev.ID, caInfo.ID, dev.Leaf())
	require.NoError(t, err)
	require.True(t, created)
	_, err = r.CreateThing("kept", CreateThingInput{Attributes: map[string]string{"a": "1"}})
	require.NoError(t, err)
	_, err = r.CreateThing("gone", CreateThingInput{})
	require.NoError(t, err)
	require.NoError(t, r.DeleteThing("gone", nil))
	_, err = r.CreatePolicy("pol", `{"Statement":[]}`)
	require.NoError(t, err)
	require.NoError(t, r.AttachThingPrincipal("kept", CertificateARN(dev.ID)))
	require.NoError(t, r.AttachPolicy("pol", CertificateARN(dev.ID)))
	_, err = r.UpdateCertificate(dev.ID, StatusActive)
	require.NoError(t, err)
	require.NoError(t, r.UpdateCACertificate(caInfo.ID, UpdateCAInput{NewAutoRegistrationStatus: AutoRegistrationDisable}))
	_, err = r.CreateThingType("bulb", ThingTypeProperties{Description: "d"})
	require.NoError(t, err)
	st := r.StoreStats()
	assert.Positive(t, st.Commits)
	assert.Positive(t, st.Ops)
	want, err := json.Marshal(r)
	require.NoError(t, err)
	require.NoError(t, r.closeStore())

	info, err := os.Stat(filepath.Join(dir, StoreFile))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	again := reopen(t, dir)
	got, err := json.Marshal(again)
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(got))
	code2, err := again.RegistrationCode()
	require.NoError(t, err)
	assert.Equal(t, code, code2)
	_, ok := again.Thing("gone")
	assert.False(t, ok)
	d, err := again.DescribeCACertificate(caInfo.ID)
	require.NoError(t, err)
	assert.Equal(t, ModeSNIOnly, d.Mode)
	assert.False(t, d.AutoRegistration)
	assert.Equal(t, body, *d.RegistrationConfig.TemplateBody)
	_, ok = again.ThingType("bulb")
	assert.True(t, ok)
}

func TestStoreImportsLegacyRegistryJSON(t *testing.T) {
	dir := t.TempDir()
	old := NewRegistry()
	ca := newDeviceCA(t, "legacy CA")
	caID, err := old.registerCA(ca.Cert, template.Classic(), true)
	require.NoError(t, err)
	dev := mint(t, ca, pki.Subject{CommonName: "legacy"})
	_, _, err = old.registerPending(dev.ID, caID, dev.Leaf())
	require.NoError(t, err)
	data, err := json.Marshal(old)
	require.NoError(t, err)
	legacy := filepath.Join(dir, legacyRegistryFile)
	require.NoError(t, os.WriteFile(legacy, data, 0o600))

	r, err := openRegistry(dir, discardLogger())
	require.NoError(t, err)
	_, ok := r.Certificate(dev.ID)
	assert.True(t, ok)
	require.NoError(t, r.closeStore())
	assert.NoFileExists(t, legacy)
	assert.FileExists(t, legacy+".imported")

	r = reopen(t, dir) // from the store now
	c, ok := r.CACertificate(caID)
	require.True(t, ok)
	assert.NotEmpty(t, c.Template)
	_, ok = r.Certificate(dev.ID)
	assert.True(t, ok)
}

func TestStoreOpenErrors(t *testing.T) {
	t.Run("in use", func(t *testing.T) {
		dir := t.TempDir()
		reopen(t, dir)
		_, err := openRegistry(dir, discardLogger())
		require.ErrorContains(t, err, "in use by another process")
	})
	t.Run("unknown version", func(t *testing.T) {
		dir := t.TempDir()
		db, err := bolt.Open(filepath.Join(dir, StoreFile), 0o600, nil)
		require.NoError(t, err)
		require.NoError(t, db.Update(func(tx *bolt.Tx) error {
			b, err := tx.CreateBucket([]byte(bucketMeta))
			if err != nil {
				return err
			}
			return b.Put([]byte(metaVersion), []byte("99"))
		}))
		require.NoError(t, db.Close())
		_, err = openRegistry(dir, discardLogger())
		require.ErrorContains(t, err, "store version")
	})
	t.Run("corrupt legacy file", func(t *testing.T) {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, legacyRegistryFile), []byte("{"), 0o600))
		_, err := openRegistry(dir, discardLogger())
		require.ErrorContains(t, err, "import")
	})
}

func TestStoreWriterKeepsOrder(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), StoreFile), 0o600, nil)
	require.NoError(t, err)
	w := newStoreWriter(db, discardLogger())
	w.stage(op{bucket: "b", key: "k", value: []byte("1")}, op{bucket: "b", key: "k"}) // put, then delete
	w.stage(op{bucket: "b", key: "j"}, op{bucket: "b", key: "j", value: []byte("2")}) // delete, then put
	require.NoError(t, w.sync())
	require.NoError(t, db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("b"))
		assert.Nil(t, b.Get([]byte("k")))
		assert.Equal(t, []byte("2"), b.Get([]byte("j")))
		return nil
	}))
	require.NoError(t, w.close())
	require.NoError(t, w.close(), "close twice")
	assert.ErrorIs(t, w.wait(w.staged+1), errStoreClosed)
}
