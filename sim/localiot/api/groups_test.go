package api

import (
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jitpsim/jitpsim/sim/localiot"
)

func TestThingTypesAndGroups(t *testing.T) {
	e := newEnv(t, localiot.Config{})
	tt, err := e.cli.CreateThingType(ctx(t), &iot.CreateThingTypeInput{ThingTypeName: aws.String("lightBulb-versionA"),
		ThingTypeProperties: &types.ThingTypeProperties{ThingTypeDescription: aws.String("bulbs")}})
	require.NoError(t, err)
	assert.Equal(t, localiot.ThingTypeARN("lightBulb-versionA"), *tt.ThingTypeArn)
	assert.NotEmpty(t, *tt.ThingTypeId)
	bg, err := e.cli.CreateBillingGroup(ctx(t), &iot.CreateBillingGroupInput{BillingGroupName: aws.String("bg1")})
	require.NoError(t, err)
	assert.Equal(t, localiot.BillingGroupARN("bg1"), *bg.BillingGroupArn)
	tg, err := e.cli.CreateThingGroup(ctx(t), &iot.CreateThingGroupInput{ThingGroupName: aws.String("v1-lightbulbs"),
		ThingGroupProperties: &types.ThingGroupProperties{AttributePayload: &types.AttributePayload{Attributes: map[string]string{"fleet": "a"}}}})
	require.NoError(t, err)
	assert.Equal(t, localiot.ThingGroupARN("v1-lightbulbs"), *tg.ThingGroupArn)

	_, err = e.cli.CreateThing(ctx(t), &iot.CreateThingInput{ThingName: aws.String("bulb-1"),
		ThingTypeName: aws.String("lightBulb-versionA"), BillingGroupName: aws.String("bg1")})
	require.NoError(t, err)
	_, err = e.cli.CreateThing(ctx(t), &iot.CreateThingInput{ThingName: aws.String("plain")})
	require.NoError(t, err)
	d, err := e.cli.DescribeThing(ctx(t), &iot.DescribeThingInput{ThingName: aws.String("bulb-1")})
	require.NoError(t, err)
	assert.Equal(t, "lightBulb-versionA", *d.ThingTypeName)
	assert.Equal(t, "bg1", *d.BillingGroupName)

	l, err := e.cli.ListThings(ctx(t), &iot.ListThingsInput{ThingTypeName: aws.String("lightBulb-versionA")})
	require.NoError(t, err)
	require.Len(t, l.Things, 1)
	assert.Equal(t, "bulb-1", *l.Things[0].ThingName)
	assert.Equal(t, "lightBulb-versionA", *l.Things[0].ThingTypeName)

	_, err = e.cli.CreateThing(ctx(t), &iot.CreateThingInput{ThingName: aws.String("bulb-1")})
	requireAPIError(t, err, localiot.ErrResourceAlreadyExists, http.StatusConflict)
	_, err = e.cli.CreateThingType(ctx(t), &iot.CreateThingTypeInput{ThingTypeName: aws.String("bad name")})
	requireAPIError(t, err, localiot.ErrInvalidRequest, http.StatusBadRequest)
}
