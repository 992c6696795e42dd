// Guest Pass: Azure resources for one environment.
//
//   user-assigned managed identity  -> the bot's identity (Bot Framework, MicrosoftAppType=UserAssignedMSI)
//                                      and its Microsoft Graph identity (AZURE_CLIENT_ID, no secret anywhere)
//   Linux App Service plan + web app -> runs `npm start` (Node 22 LTS), https only, TLS 1.2+, FTP(S) off,
//                                      health check on /healthz
//   Azure Bot (global) + Teams channel -> messaging endpoint https://<web app>/api/messages
//   storage account (StorageV2)       -> the bot's state in Azure Storage Tables, reached with the managed identity
//                                      (Storage Table Data Contributor; shared-key access off) by default
//   Log Analytics workspace + Application Insights -> the bot's OpenTelemetry traces and metrics
//                                      (APPLICATIONINSIGHTS_CONNECTION_STRING)
//
// Microsoft Graph application permissions (User.Invite.All, TeamMember.ReadWriteNonOwnerRole.All, TeamMember.Read.All,
// GroupMember.Read.All, User.Read.All, Organization.Read.All) are NOT granted here: Graph app role assignments are Entra objects, which ARM/Bicep cannot
// create without the Microsoft Graph Bicep extension (and a deployment principal that itself holds
// AppRoleAssignment.ReadWrite.All). A tenant admin grants them once after the first deployment; the exact commands
// are in docs/deployment.md ("Grant Microsoft Graph permissions to the managed identity").
//
// Deployable by a Contributor: with assignStorageRole=false the template creates no role assignment, and an Owner
// or User Access Administrator runs the one `az role assignment create` in docs/deployment.md afterwards.
// No Bicep compiler can be installed from npm or Debian; scripts/check-infra.ts (run by
// test/unit/infra.test.ts) checks this file's resource types, API versions, app settings and security settings.
//
// Kept compatible with Bicep CLI v0.9.1 (the version m365agents.yml asks the toolkit to download):
// no lambdas, no user-defined types, no safe-dereference operators.

@maxLength(20)
@minLength(4)
@description('Used to name every resource. The web app and the Azure Bot names must be globally unique.')
param resourceBaseName string

@description('App Service plan SKU. B1 is the smallest with Always On; use P0v3 or above for production load.')
param webAppSku string = 'B1'

@maxLength(42)
@description('Display name of the Azure Bot resource.')
param botDisplayName string = 'Guest Pass'

@allowed([
  'F0'
  'S1'
])
@description('Azure Bot pricing tier. The Teams channel is a standard channel: F0 is enough.')
param botServiceSku string = 'F0'

param location string = resourceGroup().location

@allowed([
  'managedIdentity'
  'connectionString'
])
@description('How the bot reaches Azure Storage. managedIdentity (default): AZURE_STORAGE_ACCOUNT_URL app setting, the managed identity with Storage Table Data Contributor, shared-key access disabled, no key in any setting. connectionString: AZURE_STORAGE_CONNECTION_STRING with the account key in the app settings (not recommended; only where Entra auth to storage is impossible).')
param storageAuth string = 'managedIdentity'

@description('Create the Storage Table Data Contributor role assignment for the managed identity. Needs Owner or User Access Administrator (Microsoft.Authorization/roleAssignments/write). false: a Contributor can deploy, and an Owner runs the az role assignment create command in docs/deployment.md afterwards.')
param assignStorageRole bool = true

@minValue(30)
@maxValue(730)
@description('Days the Log Analytics workspace keeps the bot\'s telemetry.')
param logRetentionDays int = 30

@description('Base URL of the docs folder that refusal cards link to (DOCS_BASE_URL). Empty: the bot\'s default.')
param docsBaseUrl string = ''

// --- run contract (PRODUCT.md section 7) -----------------------------------------------------------------------
@allowed([
  'approval'
  'owners'
  'members'
])
param invitePolicy string = 'approval'

@description('Where a guest lands after redemption. Empty: the team\'s deep link.')
param inviteRedirectUrl string = ''

@allowed([
  'true'
  'false'
])
param sendInvitationEmail string = 'true'

@description('Comma list of allowed guest domains (*.example.com patterns). Empty: no allow list.')
param allowedDomains string = ''

@description('Comma list of blocked guest domains (*.example.com patterns). Empty: no block list.')
param blockedDomains string = ''

@description('Comma list of Entra tenant ids whose Teams activities the bot accepts. Empty: this deployment\'s tenant.')
param allowedTenants string = ''

@description('How often pending guests are checked for redemption (and stored pending work retried), in seconds.')
param redemptionCheckSeconds string = '300'

@allowed([
  'owners'
  'channel'
])
@description('Who sees redeem links on result cards: the inviter and the team owners, or every channel member.')
param redeemLinkAudience string = 'owners'

@allowed([
  'fatal'
  'error'
  'warn'
  'info'
  'debug'
  'trace'
  'silent'
])
param logLevel string = 'info'

var tenantId = subscription().tenantId
var storageAccountName = 'st${uniqueString(resourceGroup().id, resourceBaseName)}'
var useStorageKey = storageAuth == 'connectionString'
// Storage Table Data Contributor (built-in role)
var storageTableDataContributorRoleId = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${resourceBaseName}-id'
  location: location
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: useStorageKey
    publicNetworkAccess: 'Enabled'
  }
}

// Lets the identity read and write tables with an Entra token (managedIdentity mode). Optional: without
// the right to write role assignments, deploy with assignStorageRole=false and grant it afterwards.
resource storageTableRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (assignStorageRole && !useStorageKey) {
  name: guid(storage.id, identity.id, storageTableDataContributorRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributorRoleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${resourceBaseName}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${resourceBaseName}-ai'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    IngestionMode: 'LogAnalytics'
    RetentionInDays: logRetentionDays
  }
}

// App Service console logs (the bot's pino JSON lines, with trace_id) go to the same workspace.
resource webAppDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: webApp
  properties: {
    workspaceId: logs.id
    logs: [
      {
        category: 'AppServiceConsoleLogs'
        enabled: true
      }
      {
        category: 'AppServiceHTTPLogs'
        enabled: true
      }
    ]
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: resourceBaseName
  location: location
  kind: 'linux'
  sku: {
    name: webAppSku
  }
  properties: {
    reserved: true // Linux
  }
}

var baseAppSettings = [
  // Bot Framework: the managed identity is the bot's identity (botbuilder reads these names).
  {
    name: 'MicrosoftAppType'
    value: 'UserAssignedMSI'
  }
  {
    name: 'MicrosoftAppId'
    value: identity.properties.clientId
  }
  {
    name: 'MicrosoftAppTenantId'
    value: tenantId
  }
  // Microsoft Graph through @azure/identity: ManagedIdentityCredential with this client id, no secret.
  {
    name: 'AZURE_CLIENT_ID'
    value: identity.properties.clientId
  }
  {
    name: 'AZURE_TENANT_ID'
    value: tenantId
  }
  // Policy
  {
    name: 'INVITE_POLICY'
    value: invitePolicy
  }
  {
    name: 'INVITE_REDIRECT_URL'
    value: inviteRedirectUrl
  }
  {
    name: 'SEND_INVITATION_EMAIL'
    value: sendInvitationEmail
  }
  {
    name: 'ALLOWED_DOMAINS'
    value: allowedDomains
  }
  {
    name: 'BLOCKED_DOMAINS'
    value: blockedDomains
  }
  {
    name: 'ALLOWED_TENANTS'
    value: empty(allowedTenants) ? tenantId : allowedTenants
  }
  {
    name: 'REDEMPTION_CHECK_SECONDS'
    value: redemptionCheckSeconds
  }
  {
    name: 'REDEEM_LINK_AUDIENCE'
    value: redeemLinkAudience
  }
  {
    name: 'LOG_LEVEL'
    value: logLevel
  }
  {
    name: 'DOCS_BASE_URL'
    value: docsBaseUrl
  }
  // Telemetry: src/telemetry.ts turns OpenTelemetry on when this is set (an ingestion endpoint and key, not a credential)
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: appInsights.properties.ConnectionString
  }
  // Runtime
  {
    name: 'NODE_ENV'
    value: 'production'
  }
  {
    name: 'WEBSITE_NODE_DEFAULT_VERSION'
    value: '~22' // informational on Linux: linuxFxVersion below is what selects Node
  }
  {
    name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
    value: 'false' // the deployed zip already holds dist/ and node_modules
  }
  {
    name: 'WEBSITE_RUN_FROM_PACKAGE'
    value: '1' // run read-only from the deployed zip
  }
]

// The opt-in key mode (storageAuth=connectionString). scripts/check-infra.ts allows an account key nowhere else.
var keyStorageSettings = [
  {
    name: 'AZURE_STORAGE_CONNECTION_STRING'
    value: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
  }
]

var identityStorageSettings = [
  {
    name: 'AZURE_STORAGE_ACCOUNT_URL'
    value: storage.properties.primaryEndpoints.table
  }
]

var storageSettings = useStorageKey ? keyStorageSettings : identityStorageSettings

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  name: resourceBaseName
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    siteConfig: {
      linuxFxVersion: 'NODE|22-lts'
      appCommandLine: 'npm start'
      alwaysOn: true
      http20Enabled: true
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      healthCheckPath: '/healthz'
      appSettings: concat(baseAppSettings, storageSettings)
    }
  }
  dependsOn: [
    storageTableRole
  ]
}

// No basic-auth publishing at all: neither FTP nor SCM (Kudu). Zip deploy authenticates with an Entra token
// (`az webapp deploy`, the Agents Toolkit's azureAppService/zipDeploy), which needs no publishing credentials.
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: webApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: webApp
  name: 'scm'
  properties: {
    allow: false
  }
}

// The Azure Bot: its identity is the managed identity (single-tenant by nature: the bot serves this tenant).
resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: resourceBaseName
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: botServiceSku
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${webApp.properties.defaultHostName}/api/messages'
    msaAppId: identity.properties.clientId
    msaAppType: 'UserAssignedMSI'
    msaAppMSIResourceId: identity.id
    msaAppTenantId: tenantId
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      acceptedTerms: true
      deploymentEnvironment: 'CommercialDeployment'
    }
  }
}

// Outputs: the Agents Toolkit's arm/deploy writes each one to env/.env.<env> under the same name.
// BOT_ID fills the Teams manifest (bots[0].botId).
output BOT_ID string = identity.properties.clientId
output BOT_TENANT_ID string = tenantId
output BOT_MANAGED_IDENTITY_PRINCIPAL_ID string = identity.properties.principalId
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
output BOT_WEB_APP_NAME string = webApp.name
output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output AZURE_STORAGE_ACCOUNT_NAME string = storage.name
output AZURE_STORAGE_ACCOUNT_ID string = storage.id
output STORAGE_ROLE_ASSIGNED bool = assignStorageRole && !useStorageKey
output APPLICATIONINSIGHTS_NAME string = appInsights.name
