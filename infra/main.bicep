// ConversationSender on Azure Functions Flex Consumption: `azd up` deploys it with managed identity only.
targetScope = 'subscription'

@minLength(1)
@maxLength(40)
@description('azd environment name; used in resource names and tags.')
param environmentName string

@description('Region with Flex Consumption.')
@allowed([
  'australiaeast'
  'brazilsouth'
  'canadacentral'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southcentralus'
  'southeastasia'
  'swedencentral'
  'uksouth'
  'westeurope'
  'westus2'
  'westus3'
])
@metadata({ azd: { type: 'location' } })
param location string

@description('Object id of the deploying user or group; given roles only when grantDeployerAccess is on.')
param principalId string = ''

@allowed([ 'dev', 'prod' ])
@description('dev (the default) gives the deploying user the roles it needs to try the app; prod gives it none.')
param environmentType string = 'dev'

@description('Give the deploying user Key Vault Secrets Officer (to set the Sinch secrets) and Storage Queue Data Contributor on the send queue and its dead-letter queue (to drop and inspect messages). On in dev, off in prod.')
param grantDeployerAccess bool = environmentType == 'dev'

@description('E-mail address for the alerts (dead letters, poison messages, send failure ratio, misconfiguration, function errors); empty for none.')
param alertEmail string = ''

@description('Share of sends ending transient, unconfirmed or misconfigured (over 15 minutes, at least 20 sends) above which an alert fires.')
param sendFailureRatioThreshold string = '0.2'

@description('Network isolation: VNet integration for the app, private endpoints (and private DNS) for storage and Key Vault, public network access off on both. Off by default: the app is then reached over the services\' public endpoints with its identity.')
param vnetEnabled bool = false

@allowed([ 'User', 'Group', 'ServicePrincipal' ])
param principalType string = 'User'

// Flex Consumption refuses a maximum under 40 (InvalidMaximumInstanceCount) or over 1,000: "Scale" in
// https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#considerations.
@description('Upper bound of instances each function group may scale out to (Flex Consumption: 40 to 1,000).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

// The three sizes Flex Consumption offers (https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#instance-memory).
// 512 MB: one instance's working set is ~160 MB at 48 messages in flight (docs/performance.md, queue settings), and
// Flex Consumption bills memory × active time, so the smallest size that fits is the cheapest per message.
@allowed([ 512, 2048, 4096 ])
param instanceMemoryMB int = 512

// As many HTTP sends at once as queue messages (host.json batchSize 32 + newBatchThreshold 16): at 300 ms per Sinch
// call that still lets an instance reach its share of the rate budget; fewer would add instances that idle under it.
// Flex Consumption accepts 1 to 1,000 (https://learn.microsoft.com/azure/azure-functions/functions-concurrency#http-trigger-concurrency).
@minValue(1)
@maxValue(1000)
param httpPerInstanceConcurrency int = 48

@description('Sinch allows 800 requests/s per project; the sends of all instances together stay within this budget.')
@minValue(1)
@maxValue(800)
param sinchRequestsPerSecondBudget int = 750

@allowed([ 'us', 'eu', 'br' ])
@description('Region of the Sinch Conversation app.')
param sinchRegion string = 'us'

@description('The queue the trigger listens on (3-56 characters so that "-poison" fits).')
@minLength(3)
@maxLength(56)
param sendQueueName string = 'outbound-messages'

// No network Deny for the vault or storage without a VNet: a Flex app without VNet integration is neither a trusted
// service nor on fixed IPs, so Deny would lock the app out. With vnetEnabled, both refuse public traffic.

// A string so that azd's "${KEY_VAULT_PURGE_PROTECTION=}" (empty when unset) falls back to the environment type.
@allowed([ '', 'true', 'false' ])
@description('Key Vault purge protection: empty (the default) means on in prod, off in dev. On, a deleted vault and its secrets stay recoverable for 90 days and `azd down --purge` cannot purge it. Once on, Azure never lets it be turned off.')
param keyVaultPurgeProtection string = ''

@description('Share of traces exported to Application Insights, 0.0 to 1.0 (a decimal string). 1.0, the default: every message has its trace (the exporter alone would keep 5 traces a second).')
param traceSamplingRatio string = '1.0'

// Seeded into the vault by ARM (the control plane), so that a private vault (VNET_ENABLED) gets them too; a secret is
// created or updated only when given, and an empty value leaves the vault's secret as it is.
@secure()
@description('Sinch project id, stored as sinch-project-id; empty: not written.')
param sinchProjectId string = ''
@secure()
@description('Sinch Conversation app id, stored as sinch-app-id; empty: not written.')
param sinchAppId string = ''
@secure()
@description('Sinch access key id, stored as sinch-key-id; empty: not written.')
param sinchKeyId string = ''
@secure()
@description('Sinch access key secret, stored as sinch-key-secret; empty: not written.')
param sinchKeySecret string = ''
@secure()
@description('Secret of the Sinch webhook (callbacks answer 503 until it is set), stored as sinch-webhook-secret; empty: not written.')
param sinchWebhookSecret string = ''

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }

// Flex Consumption scales per function group (https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#per-function-scaling):
// the HTTP functions together and the queue trigger on its own, and both send to Sinch, so each group may reach
// maximumInstanceCount. Per-instance send rate: groups × instances × rate never exceeds the budget. Bicep has integers
// only, so the rate is computed in thousandths and written as a decimal string, rounded down (40 instances: 9.375).
var sendingFunctionGroups = 2
var sendsPerSecondMilli = sinchRequestsPerSecondBudget * 1000 / (sendingFunctionGroups * maximumInstanceCount)
var maxSendsPerSecond = '${sendsPerSecondMilli / 1000}.${padLeft(string(sendsPerSecondMilli % 1000), 3, '0')}'

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: resourceGroup
  params: {
    name: 'id-api-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: resourceGroup
  params: {
    workspaceName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: resourceGroup
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: 'app-package-${resourceToken}'
    sendQueueName: sendQueueName
    idempotencyTableName: 'sendidempotency'
    statusTableName: 'deliverystatus'
    workspaceId: monitoring.outputs.workspaceId
    publicNetworkAccess: !vnetEnabled
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: resourceGroup
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    purgeProtection: keyVaultPurgeProtection == 'true' || (empty(keyVaultPurgeProtection) && environmentType == 'prod')
    secrets: {
      'sinch-project-id': sinchProjectId
      'sinch-app-id': sinchAppId
      'sinch-key-id': sinchKeyId
      'sinch-key-secret': sinchKeySecret
      'sinch-webhook-secret': sinchWebhookSecret
    }
    workspaceId: monitoring.outputs.workspaceId
    publicNetworkAccess: !vnetEnabled
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: resourceGroup
  params: {
    namePrefix: resourceToken
    location: location
    tags: tags
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    alertEmail: alertEmail
    sendFailureRatioThreshold: sendFailureRatioThreshold
  }
}

module network 'modules/network.bicep' = if (vnetEnabled) {
  name: 'network'
  scope: resourceGroup
  params: {
    name: 'vnet-${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
  }
}

module app 'modules/app.bicep' = {
  name: 'app'
  scope: resourceGroup
  params: {
    name: 'func-api-${resourceToken}'
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    serviceName: 'api'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    keyVaultUri: keyVault.outputs.uri
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    httpPerInstanceConcurrency: httpPerInstanceConcurrency
    maxSendsPerSecond: maxSendsPerSecond
    traceSamplingRatio: traceSamplingRatio
    sinchRegion: sinchRegion
    sendQueueName: sendQueueName
    idempotencyTableName: storage.outputs.idempotencyTableName
    statusTableName: storage.outputs.statusTableName
    subnetId: vnetEnabled ? network!.outputs.appSubnetId : ''
  }
}

module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  scope: resourceGroup
  params: {
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    appPrincipalId: identity.outputs.principalId
    userPrincipalId: grantDeployerAccess ? principalId : ''
    userPrincipalType: principalType
    sendQueueName: sendQueueName
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup.name
output SERVICE_API_NAME string = app.outputs.name
output AZURE_FUNCTION_NAME string = app.outputs.name
output AZURE_FUNCTION_URL string = 'https://${app.outputs.defaultHostName}/api/messages'
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output SEND_QUEUE_NAME string = sendQueueName
output SINCH_MAX_SENDS_PER_SECOND string = maxSendsPerSecond
