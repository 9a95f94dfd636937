"""The demo's words: what the home, landing, news, FAQ and standard pages say.

Demo data in English, like the catalogue's product names; editors translate or replace it.
"""

HOME_HERO = {
    "heading": "Industrial parts at your negotiated prices",
    "text": "Bearings, fasteners, hydraulics, automotive and workshop supplies for business "
    "customers, with live stock and same-day dispatch.",
    "button_label": "Browse the catalogue",
    "button_url": "/shop/catalogue/",
}

FEATURES = [
    {
        "title": "Your negotiated prices",
        "text": "Every product shows your company's contract price, volume tiers and live stock.",
    },
    {
        "title": "Order in bulk",
        "text": "Paste SKUs or upload a spreadsheet, reuse shared lists and reorder past orders in one click.",
    },
    {
        "title": "Quotes and approvals",
        "text": "Ask for a quote on large orders and let your approver sign off before anything ships.",
    },
    {
        "title": "Pay on account",
        "text": "Order against your credit line on agreed terms, or pay by card.",
    },
]

HOME_TESTIMONIAL = {
    "quote": "We order bearings and filters for three workshops at our contract prices, and the "
    "approver signs off big orders from her phone. Parts arrive the next morning.",
    "name": "Petra Hoffmann",
    "role": "Purchasing, Rheinland Auto Service GmbH",
}

SIGNUP_CTA = {
    "title": "Open a business account",
    "text": "Register, tell us about your company and an account manager will set up your "
    "prices and payment terms within one business day.",
    "button_label": "Apply now",
    "button_url": "/accounts/signup/",
    "show_to": "visitors",  # signed-in buyers have an account already
}

# Demo words replaced since: seed_demo updates home pages that still show the old ones.
FEATURE_TEXT_BEFORE = {
    "Sign in to see your company's contract prices, volume tiers and live stock on every "
    "product.": FEATURES[0]["text"],
}

# Featured on the home page's first carousel, by SKU (those the seed has created).
HOME_PICKS = [
    "BRG-BB-000001",
    "AUT-BR-000014",
    "HYD-HS-000007",
    "TLS-HT-000022",
    "PTR-BT-000011",
    "AUT-FL-000015",
    "ELE-CT-000018",
    "FST-BL-000004",
]

LANDING = {
    "slug": "winter-fleet-service",
    "title": "Winter fleet service",
    "seo_title": "Winter fleet service: brakes, filters and batteries for your vans",
    "hero": {
        "heading": "Get your fleet through the winter",
        "text": "Brake parts, filters and ignition for vans and trucks, at your contract prices. "
        "Order by 16:00, on the road tomorrow.",
        "button_label": "Shop brake parts",
        "button_url": "/shop/catalogue/",
    },
    "intro": "<p>Cold starts, salt and slush wear out brakes, filters and glow plugs faster "
    "than any other season. Our workshop team picked the parts fleets reorder most in "
    "November and December.</p>",
    "testimonial": {
        "quote": "One order on Monday covers the week's services for forty vans. The approval "
        "step means nothing ships that our fleet manager has not seen.",
        "name": "Pablo Ruiz",
        "role": "Fleet maintenance, Iberia Fleet Services S.L.",
    },
    "cta": {
        "title": "Service a large fleet?",
        "text": "Ask for a quote: your account manager prices the whole season's parts at once.",
        "button_label": "Request a quote",
        "button_url": "/shop/quotes/",
    },
}

NEWS_INTRO = "Product news, delivery updates and tips from our workshop team."

ARTICLES = [
    {
        "slug": "new-warehouse-bremen",
        "title": "Our second warehouse in Bremen is open",
        "date": "2026-11-20",
        "tags": ["Delivery", "Company"],
        "intro": "Twelve thousand more pallet places mean more parts from stock and a later "
        "cut-off for next-day delivery.",
        "body": "<p>Since 16 November, orders for Northern Germany and the Benelux ship from our "
        "new hall at the Bremen freight village. The cut-off for same-day dispatch moves "
        "from 15:00 to 16:00 for every customer.</p><h3>What changes for you</h3><ul>"
        "<li>More hydraulic hoses and fittings from stock</li><li>Pallet deliveries with a "
        "two-hour delivery window</li><li>Collection at the trade counter from 06:30</li></ul>",
    },
    {
        "slug": "bearing-failure-guide",
        "title": "Why bearings fail early, and how to spot it",
        "date": "2026-11-05",
        "tags": ["Bearings", "Workshop tips"],
        "intro": "Nine out of ten early bearing failures come down to lubrication, mounting or "
        "contamination. A short guide from our application engineers.",
        "body": "<p>A deep groove ball bearing that is mounted, sealed and greased correctly "
        "outlives the machine it sits in. When it fails early, look for these signs:</p><ul>"
        "<li><b>Discoloured races</b>: too little or the wrong grease</li><li><b>Dents at "
        "ball spacing</b>: the bearing was hammered in through the rolling elements</li>"
        "<li><b>Fine scratches and dull surfaces</b>: dirt got past the seal</li></ul>"
        "<p>Our technical team answers questions on the phone and by email.</p>",
    },
    {
        "slug": "price-lists-2027",
        "title": "Price lists for 2027: what to expect",
        "date": "2026-10-28",
        "tags": ["Prices", "Company"],
        "intro": "Steel and freight costs have settled. Most contract prices stay as they are; "
        "your account manager contacts you before anything changes.",
        "body": "<p>Contract prices agreed for 2026 stay valid until 31 January 2027. New "
        "price lists reach account holders by e-mail in December and show in the shop as "
        "soon as they apply.</p><p>Quotes you have accepted keep their price for the agreed "
        "quantity, whatever the new list says.</p>",
    },
]

FAQ_INTRO = "Answers to what business customers ask us most. Can't find yours? Call or write to us."

FAQ_GROUPS = [
    (
        "Ordering",
        [
            (
                "How do I order many parts at once?",
                '<p>Use <a href="/shop/quick-order/">Quick order</a>: paste SKUs with quantities '
                "or upload a CSV or Excel file. You can also keep shared order lists for your team.</p>",
            ),
            (
                "Why do I have to order in packs?",
                "<p>Small parts such as bolts and washers are packed by the manufacturer. The "
                "product page shows the pack size and the minimum order quantity.</p>",
            ),
            (
                "Someone must approve our orders. How does that work?",
                "<p>Your company admin sets an order limit per buyer. Orders above it go to your "
                "approver, who can approve or reject them from their account.</p>",
            ),
        ],
    ),
    (
        "Prices and quotes",
        [
            (
                "Why can't I see my company's prices?",
                "<p>Contract prices show only when you are logged in with an account of an "
                "approved company. Visitors see list prices.</p>",
            ),
            (
                "Can I get a better price for a large order?",
                "<p>Yes: request a quote from the basket. Your account manager answers within one "
                "business day, and the quoted price is locked when you order.</p>",
            ),
        ],
    ),
    (
        "Delivery",
        [
            (
                "When will my order arrive?",
                "<p>Stock items ordered before 16:00 on a business day ship the same day; most "
                "addresses in Germany receive them the next day.</p>",
            ),
            (
                "Can I choose the delivery address?",
                "<p>Yes: choose one of your company's addresses at checkout or enter a new one.</p>",
            ),
        ],
    ),
    (
        "Invoices and payment",
        [
            (
                "Which payment terms are there?",
                "<p>Approved companies pay on account (usually 30 days net) within their credit "
                "line. Others pay by card when they order.</p>",
            ),
            (
                "Where do I find my invoices?",
                "<p>Every invoice is in your account under Orders, as a PDF to download.</p>",
            ),
        ],
    ),
]

STANDARD_PAGES = [
    (
        "about",
        "About PartsHub",
        "A family-run distributor of industrial supplies since 1987.",
        "<p>We serve repair workshops, textile and food plants, and fleet operators across "
        "Europe with parts from stock and technical advice from people who know the machines.</p>"
        "<h3>Our numbers</h3><ul><li>110,000 parts from 400 manufacturers</li><li>Two "
        "warehouses in Bremen</li><li>Orders before 16:00 ship the same day</li></ul>",
    ),
    (
        "ordering-on-account",
        "Ordering on account",
        "How credit lines, approvals and invoices work for business customers.",
        "<p>Approved companies can order against a credit line with 30-day payment terms. "
        "Orders above a buyer's limit go to the company's approver before they ship. Invoices "
        "are available to download from your account.</p>",
    ),
    (
        "delivery-and-returns",
        "Delivery and returns",
        "Same-day dispatch, tracked delivery and 30-day returns on stock items.",
        "<p>Orders placed before 16:00 on business days ship the same day. Stock items can be "
        "returned unused within 30 days; special-order items cannot be returned.</p>"
        "<h3>Delivery costs</h3><p>Free delivery in Germany from 150 EUR net; below that a "
        "flat 9.90 EUR. Pallets and other countries as quoted.</p>",
    ),
    (
        "terms",
        "Terms and conditions",
        "Our general terms of sale for business customers.",
        "<p>These terms apply to all orders placed by businesses through this portal. We sell "
        "to businesses only; prices are net plus VAT unless stated otherwise.</p><h3>Payment"
        "</h3><p>Invoices are due within the payment terms agreed for your company.</p><h3>"
        "Retention of title</h3><p>Goods remain our property until paid in full.</p>",
    ),
    (
        "contact",
        "Contact",
        "Sales, technical advice and your account manager: how to reach us.",
        "<p><b>PartsHub Industrial Supply GmbH</b><br>Hafenstraße 12<br>28217 Bremen, Germany</p>"
        '<p>Sales: <a href="tel:+494211234560">+49 421 123456-0</a><br>E-mail: '
        '<a href="mailto:sales@partshub.example">sales@partshub.example</a></p>'
        "<p>Monday to Friday, 07:00 to 18:00.</p>",
    ),
]
