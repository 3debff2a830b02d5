package localiot

// The single account and region the stand-in pretends to be.
const (
	// Region is the AWS region used in ARNs.
	Region = "us-east-1"
	// AccountID is the AWS account ID used in ARNs and events.
	AccountID = "123456789012"
)

// arnPrefix starts every AWS IoT ARN of the stand-in.
const arnPrefix = "arn:aws:iot:" + Region + ":" + AccountID + ":"

// CertificateARN returns the ARN of a device certificate, arn:aws:iot:<region>:<account>:cert/<id>.
func CertificateARN(id string) string { return arnPrefix + "cert/" + id }

// CACertificateARN returns the ARN of a CA certificate, arn:aws:iot:<region>:<account>:cacert/<id>.
func CACertificateARN(id string) string { return arnPrefix + "cacert/" + id }

// ThingARN returns the ARN of a thing, arn:aws:iot:<region>:<account>:thing/<name>.
func ThingARN(name string) string { return arnPrefix + "thing/" + name }

// PolicyARN returns the ARN of a policy, arn:aws:iot:<region>:<account>:policy/<name>.
func PolicyARN(name string) string { return arnPrefix + "policy/" + name }
