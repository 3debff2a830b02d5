#!/usr/bin/env bash
# The classic AWS IoT JITP walkthrough against `jitpsim serve`, with third-party tools only:
# openssl makes the CA, the verification certificate (CN = the registration code) and a device
# certificate; the AWS CLI registers the CA with its provisioning template and inspects the
# result; mosquitto_pub connects with the device chain, is dropped the first time and publishes
# the second. Finally the stand-in is restarted to show the registry survived.
#
# Usage: .ci/e2e-walkthrough.sh [WORKDIR]
#   JITPSIM   the jitpsim binary (default: bin/jitpsim; `make e2e` builds it)
#   AWS       the AWS CLI (default: aws; v1 and v2 both work)
# Everything listens on 127.0.0.1 only; keys are written to WORKDIR with mode 0600.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JITPSIM=${JITPSIM:-$ROOT/bin/jitpsim}
AWS=${AWS:-aws}
W=${1:-$(mktemp -d)}
DEVICE_ID=${DEVICE_ID:-nrf-352656100123456}
ROLE_ARN=arn:aws:iam::123456789012:role/JITPRole

log() { echo "e2e: $*" >&2; }
die() { log "FAIL: $*"; exit 1; }
expect() { # expect WHAT WANT GOT
	[ "$2" = "$3" ] || die "$1: want '$2', got '$3'"
	log "ok: $1 = $3"
}

for tool in openssl "$AWS" mosquitto_pub; do
	command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install openssl awscli mosquitto-clients)"
done

umask 077
mkdir -p "$W"
cd "$W"

# The AWS CLI talks to the stand-in only: static credentials, no config files, no metadata service.
export AWS_ACCESS_KEY_ID=jitpsim-e2e AWS_SECRET_ACCESS_KEY=jitpsim-e2e-secret AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true AWS_PAGER="" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_IOT

SERVE_PID=""
stop_serve() {
	if [ -n "$SERVE_PID" ]; then
		kill -TERM "$SERVE_PID" 2>/dev/null || true
		wait "$SERVE_PID" || die "jitpsim serve exited with $? (log: $W/serve.log)"
		SERVE_PID=""
	fi
}
trap 'stop_serve' EXIT

# start_serve starts jitpsim serve on random ports and reads where it listens from its banner.
start_serve() {
	: >serve.out
	"$JITPSIM" serve --mqtt-addr 127.0.0.1:0 --api-addr 127.0.0.1:0 --data "$W/data" \
		--access-key-id "$AWS_ACCESS_KEY_ID" --secret-access-key "$AWS_SECRET_ACCESS_KEY" \
		--provision-delay 200ms >serve.out 2>>serve.log &
	SERVE_PID=$!
	for _ in $(seq 300); do
		grep -q '^  API URL:' serve.out && break
		kill -0 "$SERVE_PID" 2>/dev/null || die "jitpsim serve exited: $(cat serve.log)"
		sleep 0.1
	done
	API_URL=$(awk '/^  API URL:/ {print $3}' serve.out)
	MQTT_PORT=$(awk '/^  MQTT endpoint:/ {n = split($3, a, ":"); print a[n]}' serve.out)
	SERVER_CA=$(awk '/^  server CA:/ {print $3}' serve.out)
	[ -n "$API_URL" ] && [ -n "$MQTT_PORT" ] && [ -f "$SERVER_CA" ] || die "could not read the serve banner: $(cat serve.out)"
	log "jitpsim serve: API $API_URL, MQTT port $MQTT_PORT, server CA $SERVER_CA"
}

iot() { "$AWS" --endpoint-url "$API_URL" iot "$@"; }

# render_template writes the classic template as the registration config AWS takes: templateBody
# (and the PolicyDocument inside it) as escaped JSON strings.
render_template() {
	local readable=$ROOT/sim/localiot/template/classic.json
	if "$JITPSIM" help 2>&1 | grep -q 'jitpsim template render'; then
		"$JITPSIM" template render "$readable" >provisioning-template.json
		log "template rendered by jitpsim template render"
		return
	fi
	command -v python3 >/dev/null || die "python3 is needed to stringify the template (or a jitpsim with 'template render')"
	python3 - "$readable" "$ROLE_ARN" >provisioning-template.json <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
body = doc["templateBody"]
for res in body.get("Resources", {}).values():
    props = res.get("Properties", {})
    if isinstance(props.get("PolicyDocument"), dict):
        props["PolicyDocument"] = json.dumps(props["PolicyDocument"], separators=(",", ":"))
print(json.dumps({"templateBody": json.dumps(body, separators=(",", ":")), "roleArn": doc.get("roleArn", sys.argv[2])}, indent=2))
EOF
}

# publish connects as the device with its chain and publishes once; its exit code says whether it worked.
publish() {
	mosquitto_pub --cafile "$SERVER_CA" --cert deviceCertAndCACert.crt --key deviceCert.key \
		-h "$ENDPOINT" -p "$MQTT_PORT" -i "$DEVICE_ID" -V "$1" -q 1 -t "jitp_test" -m '{"success":"JITP works!"}' -d
}

start_serve

log "openssl: CA, verification certificate and device certificate"
openssl genrsa -out rootCA.key 2048 2>/dev/null
openssl req -x509 -new -nodes -key rootCA.key -sha256 -days 1024 -out rootCA.pem \
	-subj "/C=US/ST=Oregon/L=Portland/O=Nordic Semiconductor/OU=R&D/CN=jitpsim e2e root CA"
REG_CODE=$(iot get-registration-code --query registrationCode --output text)
expect "registration code is stable" "$REG_CODE" "$(iot get-registration-code --query registrationCode --output text)"
openssl genrsa -out verificationCert.key 2048 2>/dev/null
openssl req -new -key verificationCert.key -out verificationCert.csr -subj "/CN=$REG_CODE"
openssl x509 -req -in verificationCert.csr -CA rootCA.pem -CAkey rootCA.key -CAcreateserial \
	-out verificationCert.pem -days 500 -sha256 2>/dev/null
openssl genrsa -out deviceCert.key 2048 2>/dev/null
openssl req -new -key deviceCert.key -out deviceCert.csr \
	-subj "/C=US/ST=Oregon/L=Portland/O=Nordic Semiconductor/OU=R&D/CN=$DEVICE_ID"
openssl x509 -req -in deviceCert.csr -CA rootCA.pem -CAkey rootCA.key -CAcreateserial \
	-out deviceCert.pem -days 365 -sha256 2>/dev/null
cat deviceCert.pem rootCA.pem >deviceCertAndCACert.crt
CERT_ID=$(openssl x509 -in deviceCert.pem -noout -fingerprint -sha256 | cut -d= -f2 | tr -d ':' | tr 'A-F' 'a-f')

log "AWS CLI: register the CA with the provisioning template"
render_template
CA_ID=$(iot register-ca-certificate --ca-certificate file://rootCA.pem --verification-certificate file://verificationCert.pem \
	--set-as-active --allow-auto-registration --registration-config file://provisioning-template.json \
	--query certificateId --output text)
expect "CA certificate ID" "$(openssl x509 -in rootCA.pem -noout -fingerprint -sha256 | cut -d= -f2 | tr -d ':' | tr 'A-F' 'a-f')" "$CA_ID"
expect "CA status" "ACTIVE	ENABLE	DEFAULT" \
	"$(iot describe-ca-certificate --certificate-id "$CA_ID" --query 'certificateDescription.[status,autoRegistrationStatus,certificateMode]' --output text)"
ENDPOINT=$(iot describe-endpoint --endpoint-type iot:Data-ATS --query endpointAddress --output text)
expect "endpoint" "localhost" "$ENDPOINT"

log "mosquitto_pub: the first connect registers the certificate and is dropped"
if publish mqttv311 >pub1.log 2>&1; then
	die "the first connect was not dropped: $(cat pub1.log)"
fi
log "ok: first connect dropped ($(tail -n 1 pub1.log))"
ok=""
for attempt in $(seq 20); do
	sleep 0.5
	if publish mqttv311 >pub2.log 2>&1; then ok=$attempt; break; fi
done
[ -n "$ok" ] || die "the device never got through: $(cat pub2.log)"
log "ok: published on retry $ok"
publish mqttv5 >pub3.log 2>&1 || die "MQTT 5 publish failed: $(cat pub3.log)"
log "ok: published with MQTT 5 too"

log "AWS CLI: the thing, its principal and the ACTIVE certificate"
expect "thing name" "$DEVICE_ID" "$(iot describe-thing --thing-name "$DEVICE_ID" --query thingName --output text)"
expect "thing principal" "arn:aws:iot:us-east-1:123456789012:cert/$CERT_ID" \
	"$(iot list-thing-principals --thing-name "$DEVICE_ID" --query 'principals[0]' --output text)"
expect "certificate status" "ACTIVE" \
	"$(iot describe-certificate --certificate-id "$CERT_ID" --query certificateDescription.status --output text)"
expect "certificate's CA" "$CA_ID" \
	"$(iot describe-certificate --certificate-id "$CERT_ID" --query certificateDescription.caCertificateId --output text)"
expect "certificates by CA" "$CERT_ID" \
	"$(iot list-certificates-by-ca --ca-certificate-id "$CA_ID" --query 'certificates[0].certificateId' --output text)"

log "restart: the registry is kept in $W/data"
stop_serve
start_serve
expect "certificate status after restart" "ACTIVE" \
	"$(iot describe-certificate --certificate-id "$CERT_ID" --query certificateDescription.status --output text)"
publish mqttv311 >pub4.log 2>&1 || die "the provisioned device was refused after the restart: $(cat pub4.log)"
log "ok: the provisioned device connects at once after the restart"
stop_serve
log "PASS"
