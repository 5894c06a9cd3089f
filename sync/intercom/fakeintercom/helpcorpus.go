package fakeintercom

// The Help Center's content: help centers, collections and the article templates the generator draws from. Article
// bodies reuse the support corpus's topics (their agent replies read like how-to answers), so free text over
// articles finds the same phrases as over conversations: "refund", "double charged", "reset my password",
// "webhook".

// helpCenterDefs are the workspace's help centers: the customer-facing one (English and French) and the developer
// docs (English and German).
var helpCenterDefs = []struct {
	identifier, name, host string
	locales                []string
}{
	{"help", "Help Center", "help", []string{"en", "fr"}},
	{"developers", "Developer docs", "developers", []string{"en", "de"}},
}

// collectionDefs are the collections: help center, parent collection (-1 for a top-level one), name, icon and
// description.
var collectionDefs = []struct {
	hc, parent              int
	name, icon, description string
}{
	{0, -1, "Getting started", "rocket", "Set up your account and learn the basics."},
	{0, -1, "Billing & payments", "credit-card", "Invoices, charges, payment methods and plans."},
	{0, 1, "Invoices & receipts", "receipt", "Find, download and correct your invoices."},
	{0, -1, "Refunds & returns", "arrow-u-turn-left", "How refunds work and how to request one."},
	{0, -1, "Account & login", "user", "Passwords, sign-in problems and account settings."},
	{0, 4, "Security & two-factor authentication", "lock", "Keep your account safe."},
	{0, -1, "Shipping & orders", "truck", "Delivery times, tracking and lost parcels."},
	{0, -1, "Troubleshooting", "wrench", "Known issues and how to work around them."},
	{1, -1, "Integrations & webhooks", "plug", "Connect your tools and receive events."},
	{1, 8, "API reference", "code", "Authentication, rate limits and endpoints."},
}

// articleDef is an article template: its topic (a corpus topic name, or "webhooks"), title, description, the
// collection it lives in and the steps its body lists.
type articleDef struct {
	topic, title, description string
	collection                int
	steps                     []string
}

// articleDefs start with articleTitles in order, so the articles conversations' AI agent cites (content_sources)
// are the generated articles of those indices.
var articleDefs = []articleDef{
	{"refund", "How refunds work", "When you get your money back, and how.", 3, []string{"Open Orders and pick the order.", "Click Request a refund and choose a reason.", "We confirm by email; the refund reaches your card in 5-10 business days."}},
	{"login", "Resetting your password", "Get back into your account when you forget your password.", 4, []string{"Go to the login page and click Forgot password.", "Enter the email you signed up with.", "Follow the link in the email within 24 hours to reset your password."}},
	{"billing", "Understanding your invoice", "What each line of your invoice means.", 2, []string{"Open Settings > Billing.", "Click the invoice to see every charge.", "Seats are billed per month; add-ons appear on a separate line."}},
	{"shipping", "Shipping times and tracking", "How long delivery takes and how to track your parcel.", 6, []string{"Find the tracking number in your shipping confirmation email.", "Track the parcel on the carrier's website.", "Contact us if it has not moved for 5 days."}},
	{"account", "Exporting your data", "Download a copy of everything in your account.", 4, []string{"Open Settings > Data.", "Click Export and choose CSV or JSON.", "We email you a download link when the export is ready."}},
	{"login", "Two-factor authentication", "Protect your account with a second step at login.", 5, []string{"Open Settings > Security.", "Turn on two-factor authentication and scan the QR code.", "Keep your backup codes somewhere safe."}},
	{"billing", "Why was I charged twice?", "Double charged? Usually a pending authorisation; here is how to check.", 1, []string{"Check whether one of the charges is still pending.", "Pending duplicate charges drop off your credit card statement within 5 business days.", "If both charges are settled, write to us and we refund the duplicate."}},
	{"billing", "Updating your credit card", "Change the card we charge for your subscription.", 1, []string{"Open Settings > Billing > Payment method.", "Click Update card and enter the new credit card.", "The next invoice is charged to the new card."}},
	{"refund", "Requesting a refund", "The refund request form and what we need from you.", 3, []string{"Have your order id ready.", "Fill in the refund request form and attach a photo if the item is damaged.", "Refund requests are answered within 2 business days."}},
	{"refund", "Refund timelines by payment method", "How long a refund takes for cards, PayPal and bank transfers.", 3, []string{"Credit card refunds take 5-10 business days.", "PayPal refunds arrive within 3 days.", "Bank transfers can take up to 14 days."}},
	{"login", "Troubleshooting login problems", "Can't log in? Work through these checks.", 4, []string{"Make sure caps lock is off and the email is the one you signed up with.", "Clear your browser cache and cookies.", "If you still can't log in, reset your password or contact support."}},
	{"login", "Single sign-on (SSO) setup", "Let your team log in with Google, Okta or Azure AD.", 5, []string{"Open Settings > Security > Single sign-on.", "Enter your identity provider's metadata URL.", "Test the login before you enforce SSO for everyone."}},
	{"bug", "Known issues and status page", "Where we post outages and known bugs.", 7, []string{"Check our status page for ongoing incidents.", "Subscribe to updates by email.", "Report a bug from the app if your problem is not listed."}},
	{"bug", "Reporting a bug", "What to include so we can fix it quickly.", 7, []string{"Describe what you expected and what happened.", "Add a screenshot and the error message.", "Tell us your browser and operating system."}},
	{"bug", "Clearing your browser cache", "Fix pages that load wrong after an update.", 7, []string{"Open your browser settings.", "Clear cached images and files.", "Reload the page."}},
	{"feature-request", "Submitting a feature request", "Tell us what you would like us to build.", 0, []string{"Open the roadmap page.", "Vote for an existing request or submit a new one.", "We reply when the feature ships."}},
	{"feature-request", "Our product roadmap", "What we are working on next.", 0, []string{"See what is planned, in progress and shipped.", "Vote on the features that matter to you.", "Follow a request to hear when it ships."}},
	{"shipping", "Lost or damaged parcels", "What to do when your order arrives damaged or not at all.", 6, []string{"Take photos of the damaged item and the packaging.", "Report it within 14 days of delivery.", "We send a replacement or issue a refund."}},
	{"shipping", "International shipping and customs", "Duties, taxes and delivery times outside the EU and US.", 6, []string{"Check whether your country charges import duties.", "Duties are paid by the recipient on delivery.", "International delivery takes 7-21 days."}},
	{"account", "Deleting your account", "Close your account and erase your data (GDPR).", 4, []string{"Export your data first.", "Open Settings > Account and click Delete account.", "Deletion is permanent after 30 days."}},
	{"account", "Managing team members", "Invite teammates, change roles and remove seats.", 0, []string{"Open Settings > Team.", "Invite by email and choose a role.", "Removing a member frees the seat on your next invoice."}},
	{"pricing", "Plans and pricing explained", "Compare the Starter, Pro and Business plans.", 1, []string{"Every plan is billed per seat.", "Annual billing saves 20%.", "You can switch plans at any time from Settings > Billing."}},
	{"pricing", "Nonprofit and education discounts", "Discounts for nonprofits, schools and universities.", 1, []string{"Apply with proof of your nonprofit or education status.", "Approved accounts get 50% off.", "The discount applies from the next invoice."}},
	{"pricing", "Switching between monthly and annual billing", "Change how often you are billed.", 2, []string{"Open Settings > Billing > Plan.", "Choose monthly or annual billing.", "We prorate the difference on your next invoice."}},
	{"webhooks", "Setting up webhooks", "Receive events in your own system as they happen.", 8, []string{"Open Developer settings > Webhooks.", "Add your HTTPS endpoint and choose the topics.", "We send a ping to check the endpoint responds with 200."}},
	{"webhooks", "Webhook signatures and retries", "Verify that a webhook comes from us, and what happens when your endpoint fails.", 8, []string{"Compute the HMAC-SHA1 of the raw body with your client secret.", "Compare it with the X-Hub-Signature header.", "Failed deliveries are retried; a webhook endpoint failing for days is suspended."}},
	{"webhooks", "Authentication and access tokens", "Authenticate API requests with a bearer token.", 9, []string{"Create an access token in Developer settings.", "Send it as Authorization: Bearer <token>.", "Tokens do not expire; revoke one you no longer use."}},
	{"webhooks", "Rate limits", "How many API requests you can make.", 9, []string{"Each app may make 1,000 requests per minute.", "Read X-RateLimit-Remaining on every response.", "On a 429, wait until X-RateLimit-Reset."}},
}

// articleVariants vary the titles of articles past the templates.
var articleVariants = []string{"for teams", "on mobile", "FAQ", "step by step", "for admins", "2025 update", "for new customers", "troubleshooting"}

// articleTranslations are the translated titles and bodies of each topic's articles, by locale.
var articleTranslations = map[string]map[string][2]string{
	"fr": {
		"refund":          {"Comment fonctionnent les remboursements", "Vous pouvez demander un remboursement depuis la page Commandes. Le remboursement arrive sur votre carte bancaire sous 5 à 10 jours ouvrés."},
		"login":           {"Problèmes de connexion et mot de passe", "Cliquez sur Mot de passe oublié sur la page de connexion et suivez le lien reçu par e-mail pour réinitialiser votre mot de passe."},
		"billing":         {"Comprendre votre facture", "Chaque facture détaille les sièges et les options. En cas de double débit, contactez-nous et nous remboursons le doublon."},
		"shipping":        {"Délais de livraison et suivi", "Le numéro de suivi figure dans l'e-mail de confirmation d'expédition. La livraison internationale prend 7 à 21 jours."},
		"account":         {"Gérer votre compte", "Exportez vos données depuis Paramètres > Données. La suppression du compte est définitive après 30 jours."},
		"bug":             {"Signaler un bug", "Décrivez le problème, ajoutez une capture d'écran et indiquez votre navigateur."},
		"feature-request": {"Proposer une fonctionnalité", "Votez pour les demandes existantes sur la page de la feuille de route."},
		"pricing":         {"Offres et tarifs", "Chaque offre est facturée par siège ; la facturation annuelle permet d'économiser 20 %."},
	},
	"de": {
		"webhooks": {"Webhooks einrichten", "Fügen Sie Ihren HTTPS-Endpunkt hinzu und wählen Sie die Themen. Prüfen Sie die Signatur im Header X-Hub-Signature."},
	},
}
