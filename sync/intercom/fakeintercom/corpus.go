package fakeintercom

// The support-text corpus the generator draws from. Templates carry {placeholders} that text.go fills from the
// record's own random stream (order ids, amounts, links, names), so the same seed always writes the same words.
//
// The phrasing is deliberately repetitive across conversations ("double charged", "refund request", "credit card",
// "reset my password"): full-text search, snippets and ranking are only testable when phrases recur.

// topic is one kind of support conversation.
type topic struct {
	name      string   // also the tag name the generator applies most often for this topic
	category  string   // the "Ticket category" custom attribute
	subjects  []string // email subject lines
	openers   []string // the customer's first message
	followups []string // later customer messages
	replies   []string // agent replies
	notes     []string // internal notes between teammates
	outreach  []string // a teammate writing first (admin_initiated): news or a question, not an answer
	titles    []string // conversation titles (most conversations have none)
}

var topics = []topic{
	{
		name:     "billing",
		category: "Billing",
		subjects: []string{
			"Double charged this month",
			"Question about my invoice {invoice}",
			"Why was my credit card charged twice?",
			"Billing issue on account {email}",
			"Unexpected charge of {amount}",
		},
		openers: []string{
			"Hi, I was double charged for my {plan} subscription this month. My credit card statement shows two charges of {amount} on {date}. Can you please look into it?",
			"Hello! I just noticed that my credit card was charged {amount} twice for invoice {invoice}. I only have one account so this must be a mistake.",
			"hey, why is there a charge of {amount} on my card? i cancelled the {plan} plan last week",
			"Good morning, our finance team flagged a double charge on the company card ending in {card}. Invoice {invoice} and {invoice2} look identical.",
			"I was charged {amount} but the pricing page ({link}) says the {plan} plan costs less. Can someone explain the difference?",
			"Hi there - I think I've been billed twice. Both charges say {product} and they're for the same amount ({amount}).",
			"Can you send me a copy of invoice {invoice}? Our accounts payable needs it with the VAT number on it.",
		},
		followups: []string{
			"Thanks. The second charge is still pending on my credit card, should I wait for it to drop off?",
			"I checked again and I was definitely double charged. Screenshot attached.",
			"Ok, can you confirm the duplicate charge will be refunded to the same credit card?",
			"The invoice still shows the wrong billing address. It should be {address}.",
			"Any update on this? It's been {days} days.",
			"Got it, thank you. I can see only one charge now.",
		},
		replies: []string{
			"Thanks for reaching out, {name}! I can see the two charges of {amount} on your account. The second one was a duplicate authorisation and I've voided it - it should disappear from your credit card statement within {days} business days.",
			"Sorry about the double charge! I've issued a refund of {amount} to the card ending in {card}. You'll see it in {days} business days depending on your bank.",
			"I've attached a corrected copy of invoice {invoice} with your VAT number. You can also download every invoice from {link}.",
			"The {plan} plan is billed per seat, so the {amount} covers {seats} seats. You can see the breakdown under Settings > Billing.",
			"I checked with our billing team: the charge on {date} is the annual renewal. If you'd like to switch to monthly billing I can do that for you.",
		},
		notes: []string{
			"Duplicate charge confirmed in Stripe, refund issued for {amount}.",
			"Customer is on legacy pricing - don't move them to the new {plan} plan without approval from finance.",
			"Escalated to billing team, see {ticket}.",
		},
		outreach: []string{
			"We noticed that the payment for invoice {invoice} ({amount}) didn't go through. Could you check the card ending in {card}, or add another one under Settings > Billing?",
			"Your {plan} subscription renews on {date}. Since you have {seats} seats, the renewal will be {amount}; reply here if you'd like to change anything before then.",
			"A heads-up from our billing team: from next month invoices will include your VAT number, so please make sure it's up to date in your account.",
		},
		titles: []string{"Double charged for {plan}", "Invoice {invoice} copy", "Duplicate credit card charge"},
	},
	{
		name:     "refund",
		category: "Refunds",
		subjects: []string{
			"Refund request for order {order}",
			"Refund request",
			"Return and refund - order {order}",
			"I want my money back",
		},
		openers: []string{
			"Hi, I'd like to make a refund request for order {order}. The {product} arrived damaged and I'd rather have my money back than a replacement.",
			"Hello, this is a refund request for order {order}. I was charged {amount} but never received the item.",
			"I want a refund. The {product} stopped working after two days and support hasn't replied to my last email.",
			"Hi team, can I get a refund for the {plan} upgrade? I clicked the wrong button and upgraded by mistake.",
			"Hi! I returned order {order} on {date} (tracking {tracking}) but I still haven't received my refund.",
			"How long does a refund usually take? I returned the {product} over a week ago.",
		},
		followups: []string{
			"I still haven't recieved the refund. Can you check again please?",
			"The tracking number is {tracking}, it says delivered to your warehouse on {date}.",
			"Thanks, I see the refund of {amount} on my credit card now!",
			"Is it possible to get store credit instead of a refund?",
			"why does it take {days} days?? the charge was instant",
		},
		replies: []string{
			"I'm sorry to hear the {product} arrived damaged! I've processed your refund request for order {order} - {amount} will go back to your original payment method within {days} business days.",
			"Thanks {name}. Our warehouse received the return on {date}, so I've approved the refund of {amount}. You'll get a confirmation email shortly.",
			"I've gone ahead and refunded the {plan} upgrade. Your account is back on the previous plan and nothing else changes.",
			"Refunds go back to the card you paid with. Banks usually take {days} business days to show it; if you don't see it by {date} let us know and we'll send you the transaction reference.",
			"Our returns policy is here: {link}. Orders can be returned within 30 days for a full refund.",
		},
		notes: []string{
			"Refund approved by {agent}, {amount} back to card.",
			"Second refund request from this customer this quarter - check for abuse before approving.",
			"Warehouse confirmed return of {order}, ok to refund.",
		},
		outreach: []string{
			"We're writing about order {order}: the courier returned the {product} to our warehouse as undeliverable. Would you like us to ship it again or refund the {amount}?",
			"Your return for order {order} has arrived at our warehouse. We'll check it over and let you know about the refund of {amount} within {days} business days.",
		},
		titles: []string{"Refund request {order}", "Refund for damaged {product}"},
	},
	{
		name:     "login",
		category: "Account access",
		subjects: []string{
			"Can't log in",
			"Password reset email never arrives",
			"Locked out of my account",
			"2FA code not working",
		},
		openers: []string{
			"Hi, I can't log in to my account. I tried to reset my password but the reset email never arrives. My email is {email}.",
			"I'm locked out after too many login attempts. Can you unlock my account please?",
			"The two-factor code from my authenticator app is always rejected. I changed phones last week.",
			"hi i cant login, it says \"invalid credentials\" but i just reset my password",
			"Every time I log in on {browser} I get redirected back to the login page. It works on my phone.",
			"I get error {error} when I try to sign in with Google SSO.",
		},
		followups: []string{
			"I checked spam too, nothing there.",
			"Still not working, I cleared cookies and tried in an incognito window.",
			"That worked, thank you so much!",
			"I don't have access to that old phone anymore, how do I disable 2FA?",
			"Now it says my session expired as soon as I log in.",
		},
		replies: []string{
			"Sorry you're having trouble logging in! I've sent a new password reset link to {email}. It expires in 1 hour, so please use it soon.",
			"I've unlocked your account. You can log in again at {link}. If it happens again, please reset your password first.",
			"For security I can't disable two-factor authentication over chat, but you can use one of your backup codes. If you don't have them, reply here and I'll start the identity check.",
			"This looks like a cookie issue in {browser}. Could you try clearing cookies for our domain, or allow third-party cookies for {domain}?",
			"Thanks for the details. Error {error} means the SSO connection was removed by your admin. Please ask them to re-enable Google sign-in for your workspace.",
		},
		notes: []string{
			"Verified identity via last 4 digits of the card ({card}) and billing zip.",
			"Password reset emails bouncing for {domain} - possibly their mail filter. Asked customer to whitelist us.",
			"Known issue with Safari ITP, linked to {ticket}.",
		},
		outreach: []string{
			"We noticed several failed sign-in attempts on your account from a new device. If that wasn't you, please reset your password here: {link}.",
			"We're turning on two-factor authentication for every account on {date}. Here's how to set it up in a couple of minutes: {link}.",
		},
		titles: []string{"Can't log in", "Password reset not arriving", "Locked out (2FA)"},
	},
	{
		name:     "bug",
		category: "Bug report",
		subjects: []string{
			"Bug: export fails with error {error}",
			"The dashboard is broken",
			"App crashes on startup",
			"Something is wrong with the reports",
		},
		openers: []string{
			"Hi, the CSV export fails with error {error} every time. It started this morning. Steps: open Reports > Export > CSV.",
			"The dashboard doesn't load for me - just a blank page and a spinner. I'm on {browser} on {os}.",
			"Your iOS app crashes as soon as I open it since the last update (version {version}).",
			"Found a bug: when I add a second user the first one gets removed from the project. Can reproduce every time.",
			"The numbers in the weekly report don't match the dashboard. Report says {count} but dashboard says {count2}.",
			"Is the API down? We're getting 502s from {apiurl} since about an hour ago.",
		},
		followups: []string{
			"Here's a screenshot of the console errors.",
			"Still happening today. This is blocking our team.",
			"It works now, what was the problem?",
			"Tried on another computer, same bug.",
			"Any ETA for the fix? We have a deadline on {date}.",
		},
		replies: []string{
			"Thanks for the detailed report, {name}! I was able to reproduce the export error and I've passed it to our engineering team ({ticket}). I'll update you here as soon as there's a fix.",
			"Sorry about that! We had an incident affecting the dashboard this morning - you can follow it on our status page: {link}. It should be resolved now; could you refresh and let me know?",
			"A fix for the iOS crash is in version {version2}, which is rolling out on the App Store today.",
			"Good catch - this is a known bug and the fix ships in the next release. In the meantime, adding users one at a time avoids it.",
			"The report counts are based on UTC days while the dashboard uses your workspace time zone, which explains the difference between {count} and {count2}.",
		},
		notes: []string{
			"Reproduced on staging, filed {ticket}.",
			"Same stack trace as last week's incident, engineering is on it.",
			"Customer is on the beta channel, that's why they have version {version}.",
		},
		outreach: []string{
			"We found and fixed a bug that caused exports to fail with {error}. Your scheduled export should work again - could you give it a try?",
			"You reported a problem with the {product} dashboard a while back. Version {version2} includes a fix; let us know if you still see it after updating.",
		},
		titles: []string{"Export fails with {error}", "Dashboard blank page", "iOS crash on startup"},
	},
	{
		name:     "feature-request",
		category: "Feature request",
		subjects: []string{
			"Feature request: dark mode",
			"Suggestion for the reports page",
			"Can you add an API for this?",
		},
		openers: []string{
			"Feature request: could you add dark mode to the web app? Our team works late and the white background is painful.",
			"It would be great if we could schedule reports to be emailed every Monday. Is that on the roadmap?",
			"Is there an API endpoint to bulk update tags? We have 20k records to clean up & doing it by hand isn't an option.",
			"We'd love a Slack integration that posts new tickets to a channel. Any plans?",
			"Please add an option to export to Excel, not just CSV. Our finance team insists.",
		},
		followups: []string{
			"Thanks! Please let me know when it's available.",
			"Would be happy to beta test it.",
			"Any news on this? It's been a few months.",
			"Is there a workaround in the meantime?",
		},
		replies: []string{
			"Thanks for the suggestion, {name}! I've added your vote to the feature request for dark mode. You can follow our roadmap at {link}.",
			"Scheduled reports aren't available yet, but it's something our product team is actively looking at. I've shared your use case with them.",
			"Yes - you can bulk update tags with our REST API. Here's the guide: {link}. Let me know if you hit any rate limits.",
			"We don't have a native Slack integration yet, but you can connect us through Zapier in a few minutes: {link}.",
		},
		notes: []string{
			"Logged in productboard under Reporting.",
			"Enterprise prospect, PM asked to be looped in on this one.",
		},
		outreach: []string{
			"Good news: dark mode, which you asked us about, is now live for everyone. You can switch it on under Settings > Appearance.",
			"Scheduled reports are in beta now. Since you asked for them, would you like us to enable them on your account?",
		},
		titles: []string{"Feature request: dark mode", "Scheduled reports", "Slack integration"},
	},
	{
		name:     "shipping",
		category: "Shipping",
		subjects: []string{
			"Where is my order {order}?",
			"Package not delivered",
			"Wrong item received",
			"Change shipping address",
		},
		openers: []string{
			"Hi, where is my order {order}? The tracking number {tracking} hasn't updated in 5 days.",
			"My package says delivered but I never got it. Order {order}.",
			"I received the wrong item - I ordered the {product} in black but got the white one.",
			"Can I change the shipping address for order {order}? I just moved to {address}.",
			"Do you ship to {country}? The checkout page doesn't list it.",
		},
		followups: []string{
			"Still nothing today. Can you contact the courier?",
			"My neighbour had it! Sorry for the trouble.",
			"Do I need to send the wrong one back first?",
			"Thanks for the quick help!",
		},
		replies: []string{
			"Sorry for the delay, {name}! I've checked with the courier and your order {order} is in their {city} depot. It should be delivered within {days} business days.",
			"I'm sorry your package went missing. I've opened a claim with the courier and shipped a replacement today - new tracking number {tracking}.",
			"No problem - I've updated the shipping address on order {order}. Since it hasn't shipped yet there's no extra charge.",
			"We'll send the right colour out today. You can keep the white one or return it with the free label here: {link}.",
			"We currently ship to {country} through our partner, with delivery in 7-10 days. Shipping costs are shown at checkout.",
		},
		notes: []string{
			"Courier claim opened, reference {ticket}.",
			"Address change done in Shopify before fulfilment.",
		},
		outreach: []string{
			"Your order {order} has shipped! Tracking number {tracking}; it should arrive within {days} business days.",
			"We're sorry, but the {product} in your order {order} is on back order. We expect it to ship on {date} - or we can cancel that item and refund {amount}, just reply and let us know.",
		},
		titles: []string{"Where is order {order}?", "Wrong item received", "Package missing"},
	},
	{
		name:     "account",
		category: "Account management",
		subjects: []string{
			"Please delete my account",
			"Change account owner",
			"Add a teammate",
			"GDPR data request",
		},
		openers: []string{
			"Hi, please close my account and delete all my data. My email is {email}.",
			"Our account owner left the company. How do we transfer ownership to me ({email})?",
			"How do I add a teammate to our workspace? The invite button is greyed out.",
			"Under GDPR I'd like a copy of all the personal data you hold about me.",
			"Can I merge my two accounts? I accidentally signed up twice with {email} and {email2}.",
		},
		followups: []string{
			"Yes, I'm sure. Please go ahead.",
			"I'm an admin, but I still don't see the option.",
			"Received the export, thank you.",
		},
		replies: []string{
			"I'm sorry to see you go, {name}. I've scheduled your account for deletion - it will be permanently removed in 30 days, and you can cancel this from {link} until then.",
			"To transfer ownership, the current owner or a workspace admin can do it in Settings > Team. Since they've left, I can do it for you after a quick verification.",
			"The invite button is disabled because all {seats} seats on your {plan} plan are used. You can add seats from the billing page.",
			"I've started your data export; you'll get an email with a download link within 48 hours.",
			"I've merged the account {email2} into {email}. All your projects are now under one login.",
		},
		notes: []string{
			"Identity verified, deletion scheduled.",
			"Ownership transfer approved by their CTO over email.",
		},
		outreach: []string{
			"We're reaching out because your account has been inactive for a while. Would you like us to keep it open, or should we delete it and your data?",
			"As requested by your admin, ownership of the workspace is being transferred to you on {date}. No action is needed unless this is a mistake.",
		},
		titles: []string{"Account deletion", "Ownership transfer", "GDPR export"},
	},
	{
		name:     "pricing",
		category: "Sales",
		subjects: []string{
			"Question about pricing",
			"Discount for nonprofits?",
			"Upgrade to annual plan",
		},
		openers: []string{
			"Hi, we're a team of {seats} and we're comparing plans. What's the difference between {plan} and Enterprise?",
			"Do you offer a discount for nonprofits or education?",
			"We'd like to switch to annual billing. Is there a discount?",
			"Is there a free trial of the {plan} plan? I'd like to test the API first.",
		},
		followups: []string{
			"Sounds good, can you send a quote?",
			"We're a registered charity, what do you need from us?",
			"Great, we'll go ahead with the annual plan.",
		},
		replies: []string{
			"Great question! The {plan} plan includes everything in Starter plus SSO, audit logs & priority support. Full comparison: {link}.",
			"Yes, we offer 50% off for registered nonprofits. Please reply with your charity registration number and I'll apply it.",
			"Annual billing saves 20% - for {seats} seats that's {amount} per year. I can switch you over whenever you're ready.",
			"Every plan comes with a 14-day free trial, no credit card required. You can start here: {link}.",
		},
		notes: []string{
			"Warm lead, handing over to sales.",
			"Nonprofit discount approved.",
		},
		outreach: []string{
			"Thanks for trying {workspace}! Your free trial ends on {date}. Would you like a quick call to find the right plan for your team of {seats}?",
			"We saw you were looking at the {plan} plan. Annual billing saves 20% - happy to answer any questions before you decide.",
		},
		titles: []string{"Pricing question", "Nonprofit discount", "Annual plan"},
	},
}

// Generic lines used around the topic-specific ones.
var (
	greetings       = []string{"Hi {name},", "Hello {name},", "Hey {name}!", "Hi there,", "Good morning {name},", "Hi {name}, thanks for your patience."}
	agentSignoffs   = []string{"Best,<br>{agent}", "Cheers,<br>{agent}", "Thanks,<br>{agent} from {workspace}", "Have a great day!<br>{agent}", "Kind regards,<br>{agent}<br>Customer Support"}
	customerSignoff = []string{"Thanks,<br>{name}", "Regards,<br>{fullname}", "Thank you!", "Cheers,<br>{name}", "Thanks in advance,<br>{fullname}<br>{company}"}
	agentFollowups  = []string{
		"Is there anything else I can help you with?",
		"Just checking in - did that solve the problem?",
		"I'll keep this conversation open until I hear back from you.",
		"I'm going to close this conversation for now, but just reply here if you need anything else.",
		"Could you send me a screenshot of what you see?",
		"Could you tell me which browser and operating system you're using?",
		"I've passed this to our specialist team and they'll get back to you within 24 hours.",
	}
	closingLines = []string{
		"I'm going to close this conversation for now, but just reply here if you need anything else.",
		"Glad we could sort this out! Closing this one - feel free to write back anytime.",
		"Since we haven't heard back, I'll close this conversation. Reply here and it will reopen.",
		"All done on our side. Thanks for your patience, {name}!",
	}
	automatedMessages = []string{
		"Welcome to {workspace}, {name}! Here's a short guide to getting started: {link}",
		"How was your experience with our support team? Reply to this message to let us know.",
		"Your {plan} trial ends in 3 days. Upgrade any time from Settings > Billing to keep your data.",
		"We've published a new help article that may interest you: {link}",
		"Reminder: your invoice {invoice} for {amount} is due on {date}.",
	}
	customerThanks = []string{
		"Thanks!",
		"thank you so much",
		"Perfect, that's all I needed.",
		"ok thx",
		"Great, thanks for the quick reply :)",
		"That solved it, thanks a lot!",
		"Appreciate the help.",
	}
	botMessages = []string{
		"Hi {name} 👋 I'm Fin, an AI agent. I can help with billing, refunds, login problems and more.",
		"I found an article that might help: {link}",
		"Did that answer your question?",
		"I'll pass you to the team. They typically reply in under 2 hours.",
		"To help you faster, could you tell me your order number?",
		"Here's how to reset your password: go to {link} and enter the email you signed up with.",
	}
	quickReplies = []string{"Yes, that helped 👍", "No, talk to a person", "Billing question", "Technical issue", "Something else"}
	remarks      = []string{"Very quick and helpful!", "Problem solved, thanks {agent}", "Took too long to get a reply", "Great support as always", "Still not fixed", "", "Friendly and knowledgeable"}
)

// Typos a customer's message may carry; search and snippets must cope with real-world spelling.
var typos = map[string]string{
	"received":   "recieved",
	"receive":    "recieve",
	"definitely": "definately",
	"separate":   "seperate",
	"account":    "acount",
	"please":     "pls",
	"thanks":     "thx",
	"because":    "becuase",
	"the":        "teh",
	"address":    "adress",
	"password":   "pasword",
	"can't":      "cant",
	"don't":      "dont",
	"I'm":        "im",
}

// Names, places and products.
var (
	firstNames = []string{"Emma", "Liam", "Olivia", "Noah", "Ava", "Mateo", "Sofia", "Lucas", "Mia", "Ethan", "Amelia", "Arjun", "Yuki", "Chloé", "Jürgen", "Fatima", "Kwame", "Ingrid", "Diego", "Priya", "Wei", "Aisha", "Tomás", "Zoe", "Oliver", "Hannah", "Sven", "Leila", "Marco", "Nora", "Ravi", "Elena", "Samuel", "Isla", "Kenji", "Ana", "Björn", "Grace", "Omar", "Lucía"}
	lastNames  = []string{"Smith", "Johnson", "García", "Müller", "Rossi", "Dubois", "Kowalski", "Nguyen", "Kim", "Patel", "O'Brien", "Silva", "Novak", "Andersson", "Tanaka", "Okafor", "Cohen", "Martínez", "Brown", "Wilson", "Singh", "Jensen", "Moreau", "Costa", "Ivanova", "Schmidt", "Lee", "Walker", "Hughes", "Fischer"}
	agentNames = []string{"Sarah Chen", "Tom Becker", "Alex Rivera", "Maya Lindqvist", "Daniel Okoye", "Julia Novak", "Sam Patel", "Chris Morgan", "Lena Hoffmann", "Ben Carter", "Nadia Haddad", "Paul Girard"}
	teamNames  = []string{"Support", "Billing", "Technical Support", "Sales", "VIP", "Escalations", "Returns & Refunds"}
	products   = []string{"wireless headphones", "standing desk", "coffee grinder", "smart watch", "running shoes", "mechanical keyboard", "yoga mat", "backpack", "phone case", "desk lamp"}
	plans      = []string{"Starter", "Pro", "Business", "Premium", "Growth"}
	browsers   = []string{"Chrome", "Firefox", "Safari", "Edge"}
	osNames    = []string{"Windows 11", "macOS", "iOS", "Android", "Ubuntu", "ChromeOS"}
	cities     = []struct{ city, region, country, countryCode, continent string }{
		{"London", "England", "United Kingdom", "GBR", "EU"},
		{"Manchester", "England", "United Kingdom", "GBR", "EU"},
		{"Dublin", "Leinster", "Ireland", "IRL", "EU"},
		{"Berlin", "Berlin", "Germany", "DEU", "EU"},
		{"Munich", "Bavaria", "Germany", "DEU", "EU"},
		{"Paris", "Île-de-France", "France", "FRA", "EU"},
		{"Madrid", "Madrid", "Spain", "ESP", "EU"},
		{"Amsterdam", "North Holland", "Netherlands", "NLD", "EU"},
		{"Stockholm", "Stockholm", "Sweden", "SWE", "EU"},
		{"New York", "New York", "United States", "USA", "NA"},
		{"San Francisco", "California", "United States", "USA", "NA"},
		{"Austin", "Texas", "United States", "USA", "NA"},
		{"Chicago", "Illinois", "United States", "USA", "NA"},
		{"Toronto", "Ontario", "Canada", "CAN", "NA"},
		{"São Paulo", "São Paulo", "Brazil", "BRA", "SA"},
		{"Mexico City", "Mexico City", "Mexico", "MEX", "NA"},
		{"Bangalore", "Karnataka", "India", "IND", "AS"},
		{"Singapore", "Singapore", "Singapore", "SGP", "AS"},
		{"Tokyo", "Tokyo", "Japan", "JPN", "AS"},
		{"Sydney", "New South Wales", "Australia", "AUS", "OC"},
		{"Lagos", "Lagos", "Nigeria", "NGA", "AF"},
		{"Cape Town", "Western Cape", "South Africa", "ZAF", "AF"},
	}
	freeMailDomains = []string{"gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "proton.me", "gmx.de", "aol.com"}
	// companyWords build company names and domains; company popularity is Zipfian, so a few domains are common.
	companyWords  = []string{"Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay", "Soylent", "Tyrell", "Cyberdyne", "Wonka", "Gringotts", "Oscorp", "Massive", "Aperture", "Black Mesa", "Pied Piper", "Dunder", "Prestige", "Nakatomi", "Monarch", "Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Adatum", "Proseware", "Woodgrove"}
	companySuffix = []string{"Inc", "Ltd", "GmbH", "Labs", "Group", "Co", "Systems", "Partners", "Studio", "Technologies"}
	industries    = []string{"Software", "Retail", "Healthcare", "Education", "Finance", "Manufacturing", "Media", "Logistics", "Hospitality", "Nonprofit"}
	tagNames      = []string{"billing", "refund", "login", "bug", "feature-request", "shipping", "account", "pricing", "VIP", "urgent", "churn risk", "Priority Support", "enterprise", "follow-up", "escalated", "beta", "GDPR", "spam"}
	languages     = []string{"en", "en", "en", "en", "de", "fr", "es", "pt-BR", "ja", "nl"}
	utmSources    = []string{"google", "newsletter", "twitter", "linkedin", "partner", "producthunt"}
	errorCodes    = []string{"E1042", "ERR_TIMEOUT", "500 Internal Server Error", "E_EXPORT_FAILED", "AUTH-401", "0x80070005"}
	articleTitles = []string{"How refunds work", "Resetting your password", "Understanding your invoice", "Shipping times and tracking", "Exporting your data", "Two-factor authentication"}
	slaNames      = []string{"Priority support", "Standard response", "VIP 1h"}
)
