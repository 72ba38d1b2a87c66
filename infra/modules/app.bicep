// The function app on a Flex Consumption plan: Linux, .NET 10 isolated, HTTPS only, identity-based connections only.
param name string
param planName string
param location string
param tags object
@description('azd finds the service by this tag: on the site only, or azd deploy sees two resources for one service.')
param serviceName string
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerName string
param applicationInsightsName string
param keyVaultUri string
param maximumInstanceCount int
param instanceMemoryMB int
param httpPerInstanceConcurrency int
@description('Requests per second to Sinch for all instances of all function groups together.')
param sinchRequestsPerSecondBudget int
@description('Share of traces exported, as a decimal string (Telemetry__TraceSamplingRatio).')
param traceSamplingRatio string
param sinchRegion string
param sendQueueName string
param idempotencyTableName string
param statusTableName string
@description('The subnet the app is integrated into with network isolation; empty without.')
param subnetId string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    virtualNetworkSubnetId: empty(subnetId) ? null : subnetId
    siteConfig: {
      // No ftpsState: Flex Consumption refuses it (FTP is off there anyway), as every property on its deprecation list.
      minTlsVersion: '1.2'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        triggers: {
          http: {
            perInstanceConcurrency: httpPerInstanceConcurrency
          }
        }
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }

  resource appSettings 'config' = {
    name: 'appsettings'
    properties: {
      // The host's storage and the send queue's connection: service URIs and the app's identity, no keys.
      AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
      AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
      AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identityClientId
      SendQueueStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
      SendQueueStorage__tableServiceUri: storage.properties.primaryEndpoints.table
      // Dead-letter originals too large to sit beside their reason in a queue message.
      SendQueueStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
      SendQueueStorage__credential: 'managedidentity'
      SendQueueStorage__clientId: identityClientId
      // Flat names for what the platform reads (the trigger's %SendQueueName%): the scale controller must resolve it.
      SendQueueName: sendQueueName
      SendQueue__DeadLetterQueueName: '${sendQueueName}-failed'
      SendQueue__MaxRetryAge: '1.00:00:00'
      Idempotency__TableName: idempotencyTableName
      Sinch__Region: sinchRegion
      Sinch__AuthBaseUrl: 'https://auth.sinch.com'
      Sinch__RequestsPerSecondBudget: string(sinchRequestsPerSecondBudget)
      // The fallback's static share only (budget ÷ this ÷ 2 sending groups); the leases share the budget otherwise.
      Sinch__RateBudgetMaxInstances: string(maximumInstanceCount)
      // One partition at least for every instance both sending groups (HTTP, queue) may run, or the ones past the
      // partition count get no rate at all: 100 up to 50 instances, 2 × maximumInstanceCount above.
      Sinch__RateBudgetPartitions: string(max(100, 2 * maximumInstanceCount))
      KeyVault__VaultUri: keyVaultUri
      KeyVault__ManagedIdentityClientId: identityClientId
      KeyVault__SecretNames__ProjectId: 'sinch-project-id'
      KeyVault__SecretNames__AppId: 'sinch-app-id'
      KeyVault__SecretNames__KeyId: 'sinch-key-id'
      KeyVault__SecretNames__KeySecret: 'sinch-key-secret'
      Webhooks__PublicBaseUrl: 'https://${functionApp.properties.defaultHostName}'
      Webhooks__StatusTableName: statusTableName
      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
      // Explicit: the Azure Monitor exporter (1.6+) would otherwise keep only 5 traces a second.
      Telemetry__TraceSamplingRatio: traceSamplingRatio
    }
  }
}

// No publishing with user names and passwords: deployments go through Entra ID.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'ftp'
  properties: { allow: false }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'scm'
  properties: { allow: false }
}

output name string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
