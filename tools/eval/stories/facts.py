# facts.py - the hand-written facts of the labelled story set (written by
# the newsarchive team; the people, companies and events are invented, the
# places are real). Each story: a start date, its outlets, background
# sentences (undated), and dated facts. A fact is (day offset, headline,
# sentence variants); "{when}" in a sentence is rendered relative to the
# publishing article's date ("on Tuesday", "on March 4", "today").
# Stories share people and places on purpose (Rotterdam, Lyon, Elena Ruiz,
# Anna Kowalczyk, Nairobi, Dresden, Oslo, Porto, Antwerp ports), and
# several run for weeks.

STORIES = [
 {"id": "rotterdam-port-strike", "start": "2025-03-03", "articles": 11,
  "background": [
   "Rotterdam is Europe's largest container port and handles about 14 million containers a year.",
   "The dock workers' union says automation has cut hundreds of jobs at the terminals since 2020.",
   "Shipping lines have warned that a long stoppage would push cargo to Antwerp and Hamburg.",
  ],
  "facts": [
   (0, "Rotterdam dock workers vote to strike over automation", [
     "Dock workers at the port of Rotterdam voted {when} to strike over plans to automate two more container terminals, union leader Kees Hoekstra said.",
     "Members of the dock workers' union in Rotterdam backed a strike {when}, according to union leader Kees Hoekstra, in protest at plans to automate two further terminals."]),
   (3, "First 24-hour strike halts Rotterdam container terminals", [
     "A 24-hour strike {when} halted work at the container terminals of Rotterdam, leaving more than 40 ships waiting at anchor.",
     "More than 40 vessels were left at anchor {when} as the first 24-hour walkout stopped the Rotterdam container terminals."]),
   (8, "Port authority offers job guarantee to striking dockers", [
     "Port authority chief Annelies Verbeek offered {when} to guarantee jobs until 2030 for dockers affected by automation.",
     "Annelies Verbeek, who heads the Rotterdam port authority, proposed {when} a job guarantee until 2030 for workers displaced by the new terminals."]),
   (10, "Dockers reject Rotterdam offer, extend strike to 72 hours", [
     "Union members rejected the offer {when} and announced a 72-hour strike, saying a guarantee without retraining was worthless.",
     "The dockers turned down the proposal {when} and extended their next stoppage to 72 hours, Kees Hoekstra told reporters."]),
   (17, "Mediator appointed as Rotterdam strike costs mount", [
     "The Dutch government appointed a mediator {when} after shippers estimated the stoppages had cost 300 million euros.",
     "A government mediator was named {when}, as shipping companies put the cost of the Rotterdam strikes at 300 million euros."]),
   (24, "Rotterdam dockers and port reach deal, ending strikes", [
     "The union and the port authority reached an agreement {when} that combines the job guarantee with a retraining fund of 40 million euros.",
     "An agreement struck {when} ends the strikes in Rotterdam, pairing a job guarantee with a 40 million euro retraining fund."]),
  ]},
 {"id": "rotterdam-bridge-closure", "start": "2025-03-12", "articles": 5,
  "background": [
   "The Willemsbrug carries about 40,000 vehicles a day across the Nieuwe Maas.",
   "The red bridge, opened in 1981, is one of the city's best known landmarks.",
  ],
  "facts": [
   (0, "Cracks force closure of Rotterdam's Willemsbrug", [
     "Rotterdam closed the Willemsbrug to all traffic {when} after inspectors found cracks in two of its steel cables, city alderman Jaap de Graaf said.",
     "Inspectors found cracks in two steel cables of the Willemsbrug, and the bridge was closed to traffic {when}, alderman Jaap de Graaf said."]),
   (1, "Rotterdam traffic jams as Willemsbrug stays shut", [
     "Commuters faced long traffic jams {when} as drivers diverted to the Erasmusbrug and the Maastunnel.",
     "Traffic backed up across the city centre {when}, with the Erasmusbrug and the Maastunnel taking the diverted cars."]),
   (6, "Willemsbrug to reopen to cyclists while cables are replaced", [
     "Jaap de Graaf said {when} that cyclists and pedestrians could use the bridge again while the damaged cables are replaced.",
     "The bridge will reopen to cyclists and pedestrians during the repairs, the alderman announced {when}."]),
  ]},
 {"id": "lyon-metro-fire", "start": "2025-04-07", "articles": 7,
  "background": [
   "Line B links the Part-Dieu station with the south of the city and carries about 180,000 passengers a day.",
   "The network operator TCL has been replacing the line's older trains since 2022.",
  ],
  "facts": [
   (0, "Fire in Lyon metro tunnel forces evacuation of 300 passengers", [
     "About 300 passengers were evacuated from a Line B train in Lyon {when} after an electrical fire broke out in the tunnel near Saxe-Gambetta station.",
     "An electrical fire in a Line B tunnel near Saxe-Gambetta forced the evacuation of about 300 passengers {when}, the operator TCL said."]),
   (1, "Lyon metro Line B closed as investigators examine tunnel", [
     "Line B remained closed {when} while investigators examined the burnt cables, and TCL ran replacement buses.",
     "TCL kept Line B shut {when} and laid on buses while investigators examined the damaged cables."]),
   (4, "Lyon mayor orders audit of metro wiring after tunnel fire", [
     "Mayor Claire Fontaine ordered an independent audit of the wiring on all four metro lines {when}.",
     "Claire Fontaine, the mayor of Lyon, called {when} for an independent audit of the electrical wiring across the metro network."]),
   (9, "Lyon's Line B reopens; faulty junction box blamed for fire", [
     "Line B reopened {when}, and TCL said a faulty junction box installed in 1996 had caused the fire.",
     "Service on Line B resumed {when}; the operator blamed a junction box dating from 1996."]),
  ]},
 {"id": "lyon-city-budget", "start": "2025-04-22", "articles": 6,
  "background": [
   "Lyon's annual budget is about 800 million euros, of which a quarter goes to schools and childcare.",
   "The city's opposition has accused the council of overspending on cycle lanes.",
  ],
  "facts": [
   (0, "Lyon council unveils budget with cuts to culture spending", [
     "Mayor Claire Fontaine presented a budget {when} that trims culture spending by 6 percent to pay for school renovations.",
     "The Lyon council's budget, presented {when} by Mayor Claire Fontaine, cuts culture spending by 6 percent and raises spending on school buildings."]),
   (3, "Lyon theatres protest planned culture cuts", [
     "Directors of eleven Lyon theatres signed an open letter {when} warning that the cuts would close at least two stages.",
     "Eleven theatre directors in Lyon warned in an open letter {when} that at least two stages would have to close."]),
   (8, "Lyon council passes budget after all-night session", [
     "The council approved the budget by 41 votes to 28 {when} after a session that lasted until four in the morning.",
     "After debating through the night, councillors passed the budget {when} by 41 votes to 28."]),
  ]},
 {"id": "valencia-drought", "start": "2025-06-02", "articles": 9,
  "background": [
   "The Valencia region has had less than half its usual rainfall for three years.",
   "Farmers in the Albufera grow most of Spain's rice for paella.",
   "Reservoirs in the Júcar basin stand at 22 percent of capacity.",
  ],
  "facts": [
   (0, "Valencia declares drought emergency as reservoirs fall to 22%", [
     "The Valencia regional government declared a drought emergency {when}, limiting water for farms to half the usual allocation.",
     "A drought emergency was declared in Valencia {when}, cutting irrigation allowances for farmers by half."]),
   (5, "Albufera rice farmers fear lost harvest under water limits", [
     "Rice farmers in the Albufera said {when} that half the usual water would ruin most of this year's harvest.",
     "Farmers in the Albufera warned {when} that the irrigation cut would cost them most of the rice harvest."]),
   (9, "Madrid pledges 150 million euros for Valencia drought relief", [
     "Environment Minister Elena Ruiz promised 150 million euros in aid {when} during a visit to the Albufera.",
     "Visiting the Albufera {when}, Environment Minister Elena Ruiz pledged 150 million euros to help farmers through the drought."]),
   (16, "Valencia approves emergency desalination plant at Sagunto", [
     "The regional government approved an emergency desalination plant at Sagunto {when}, due to produce water by next summer.",
     "An emergency desalination plant at Sagunto was approved {when}, with the first water expected next summer."]),
   (23, "First heavy rain in months brings little relief to Valencia", [
     "Storms {when} brought the heaviest rain in eight months to Valencia, but officials said the reservoirs rose by less than one percent.",
     "The heaviest rainfall in eight months hit Valencia {when}, though reservoir levels barely moved, officials said."]),
  ]},
 {"id": "castellon-wildfire", "start": "2025-07-14", "articles": 7,
  "background": [
   "Wildfires have burned more than 60,000 hectares in Spain so far this year.",
   "The Sierra de Espadán natural park is known for its cork oak forests.",
  ],
  "facts": [
   (0, "Wildfire in Castellón forces evacuation of 2,000 residents", [
     "A wildfire in the Sierra de Espadán in Castellón forced the evacuation of about 2,000 residents from four villages {when}.",
     "About 2,000 people were evacuated from four villages in Castellón {when} as a wildfire spread through the Sierra de Espadán."]),
   (1, "Castellón fire grows to 4,000 hectares amid strong winds", [
     "Strong winds pushed the fire across 4,000 hectares {when}, and more than 500 firefighters and 12 aircraft were deployed.",
     "The blaze grew to 4,000 hectares {when} as gusting winds hampered more than 500 firefighters and 12 water-bombing aircraft."]),
   (3, "Minister Ruiz visits Castellón fire zone, promises aid", [
     "Environment Minister Elena Ruiz visited the fire zone {when} and said the area would be declared a disaster zone.",
     "Elena Ruiz, the environment minister, toured the burnt villages {when} and promised a disaster declaration for the area."]),
   (5, "Castellón wildfire stabilised; residents return home", [
     "Firefighters stabilised the blaze {when}, and residents of three of the four villages were allowed to return.",
     "The fire was declared stabilised {when} and most evacuated residents went home."]),
  ]},
 {"id": "krakow-smog-ban", "start": "2025-01-13", "articles": 6,
  "background": [
   "Kraków banned burning coal and wood in household stoves in 2019.",
   "The city lies in a valley where cold air traps pollution in winter.",
  ],
  "facts": [
   (0, "Kraków smog hits six times EU limit", [
     "Levels of fine dust in Kraków reached six times the EU limit {when}, and Mayor Tomasz Nowak made public transport free for the day.",
     "Mayor Tomasz Nowak made buses and trams free {when} after fine dust in Kraków rose to six times the EU limit."]),
   (2, "Kraków to ban older diesel cars from city centre", [
     "Tomasz Nowak announced {when} that diesel cars built before 2010 would be banned from the city centre from July.",
     "The mayor said {when} that older diesel cars, built before 2010, would be barred from central Kraków from July."]),
   (9, "Drivers' groups challenge Kraków diesel ban in court", [
     "Two drivers' associations filed a complaint against the diesel ban at the administrative court {when}.",
     "A court challenge to the diesel ban was filed {when} by two associations of drivers."]),
  ]},
 {"id": "gdansk-shipyard-contract", "start": "2025-02-10", "articles": 8,
  "background": [
   "The Gdańsk shipyard was the birthplace of the Solidarity movement in 1980.",
   "Baltic Yards employs about 3,000 people and builds ferries and offshore vessels.",
  ],
  "facts": [
   (0, "Baltic Yards wins ferry order worth 900 million zlotys", [
     "Baltic Yards in Gdańsk won an order for two hybrid ferries worth 900 million zlotys {when}, chief executive Piotr Zieliński said.",
     "The Gdańsk shipbuilder Baltic Yards signed a 900 million zloty order for two hybrid ferries {when}, according to chief executive Piotr Zieliński."]),
   (6, "Gdańsk shipyard to hire 400 workers for ferry contract", [
     "Piotr Zieliński said {when} that the yard would hire 400 welders and fitters to build the ferries.",
     "Baltic Yards will take on 400 new welders and fitters, its chief executive said {when}."]),
   (13, "State guarantee for Baltic Yards ferry deal approved", [
     "Industry Minister Anna Kowalczyk approved a state loan guarantee for the ferry contract {when}.",
     "The government backed the shipyard's contract with a loan guarantee, Industry Minister Anna Kowalczyk announced {when}."]),
   (27, "Steel cut for first Baltic Yards hybrid ferry", [
     "Workers cut the first steel for the hybrid ferries in Gdańsk {when}, with delivery planned for 2027.",
     "Construction of the first ferry began in Gdańsk {when} with the cutting of its first steel plates."]),
  ]},
 {"id": "silesia-coal-subsidy", "start": "2025-02-17", "articles": 6,
  "background": [
   "Coal still produces about 60 percent of Poland's electricity.",
   "The mining unions agreed in 2021 to close the last mines by 2049.",
  ],
  "facts": [
   (0, "Poland plans new subsidy for loss-making Silesian mines", [
     "Industry Minister Anna Kowalczyk proposed {when} a subsidy of 7 billion zlotys to keep loss-making coal mines in Silesia running.",
     "A 7 billion zloty subsidy for Silesia's loss-making coal mines was proposed {when} by Industry Minister Anna Kowalczyk."]),
   (4, "Brussels questions Polish coal mine subsidy", [
     "The European Commission asked Warsaw {when} to explain how the subsidy fitted the EU's state aid rules.",
     "EU officials {when} asked the Polish government for details of the mine subsidy under state aid rules."]),
   (11, "Miners rally in Katowice in support of coal subsidy", [
     "About 10,000 miners marched through Katowice {when} in support of the subsidy.",
     "Some 10,000 coal miners rallied in Katowice {when}, backing the government's plan."]),
  ]},
 {"id": "nairobi-marathon-doping", "start": "2025-05-05", "articles": 7,
  "background": [
   "Kenya has had more than 80 athletes banned for doping since 2017.",
   "The Nairobi City Marathon is run each spring on a course that starts at Uhuru Park.",
  ],
  "facts": [
   (0, "Nairobi marathon winner Kiprono fails doping test", [
     "Daniel Kiprono, who won the Nairobi City Marathon last month, tested positive for the blood booster EPO, the Athletics Integrity Unit said {when}.",
     "The Athletics Integrity Unit said {when} that Daniel Kiprono, winner of last month's Nairobi City Marathon, had tested positive for EPO."]),
   (2, "Kiprono denies doping, asks for B sample test", [
     "Kiprono denied taking banned substances {when} and asked for his B sample to be tested.",
     "The runner said {when} that he had never used EPO and requested a test of his B sample."]),
   (15, "B sample confirms EPO in Kiprono test", [
     "The B sample confirmed the presence of EPO {when}, the integrity unit said.",
     "Tests on the B sample confirmed the EPO finding {when}."]),
   (30, "Kiprono banned for four years, stripped of Nairobi title", [
     "Daniel Kiprono was banned for four years {when} and stripped of his Nairobi City Marathon title.",
     "A four-year ban was imposed on Kiprono {when}, and his Nairobi title passed to the runner-up."]),
  ]},
 {"id": "kenya-tea-prices", "start": "2025-05-12", "articles": 6,
  "background": [
   "Tea is Kenya's biggest export earner after remittances and tourism.",
   "Most Kenyan tea is grown by small farmers who sell their leaf to factories.",
  ],
  "facts": [
   (0, "Kenyan tea prices fall to four-year low at Mombasa auction", [
     "Tea prices at the Mombasa auction fell to a four-year low {when}, averaging 2.10 dollars a kilo.",
     "The average price at the weekly Mombasa tea auction dropped to 2.10 dollars a kilo {when}, the lowest in four years."]),
   (3, "Kericho tea farmers threaten to stop deliveries", [
     "Farmers in Kericho threatened {when} to stop delivering green leaf unless factories raised their payments.",
     "Small tea growers in Kericho said {when} they would withhold their leaf until factories paid more."]),
   (10, "Nairobi sets minimum price for tea at auction", [
     "The government in Nairobi set a minimum auction price of 2.40 dollars a kilo {when}, tea board chief Grace Wanjiru said.",
     "A floor price of 2.40 dollars a kilo at the auction was announced {when} by Grace Wanjiru, who heads the tea board."]),
  ]},
 {"id": "luzon-typhoon", "start": "2025-09-22", "articles": 8,
  "background": [
   "About 20 typhoons enter Philippine waters each year.",
   "Northern Luzon is the country's main rice-growing region.",
  ],
  "facts": [
   (0, "Typhoon Lando makes landfall in northern Luzon", [
     "Typhoon Lando made landfall in Isabela province {when} with winds of 185 kilometres an hour.",
     "With winds of 185 kilometres an hour, Typhoon Lando hit Isabela province in northern Luzon {when}."]),
   (1, "Lando leaves 14 dead and floods rice fields in Luzon", [
     "The typhoon left at least 14 people dead {when} and flooded thousands of hectares of rice fields, the disaster agency said.",
     "At least 14 people died and large areas of rice fields were under water {when}, according to the disaster agency."]),
   (2, "Manila suspends classes as Lando's rains reach capital", [
     "Manila suspended classes and government work {when} as heavy rain from the typhoon flooded low-lying districts.",
     "Schools and government offices in Manila were closed {when} because of flooding from Lando's rains."]),
   (6, "Death toll from Typhoon Lando rises to 31", [
     "The death toll rose to 31 {when}, with eight people still missing in landslides in the Cordillera.",
     "Officials said {when} that 31 people had died and eight were missing after landslides in the Cordillera."]),
  ]},
 {"id": "denver-hospital-merger", "start": "2025-08-04", "articles": 10,
  "background": [
   "Front Range Health runs nine hospitals in Colorado; Mercy Peak runs six.",
   "Hospital mergers in the United States have been linked to higher prices for patients.",
   "Together the two systems would control about 60 percent of hospital beds in the Denver area.",
  ],
  "facts": [
   (0, "Front Range Health agrees to buy Mercy Peak for $2.3 billion", [
     "Front Range Health agreed {when} to buy Mercy Peak Hospitals for 2.3 billion dollars, chief executive Laura Whitfield said.",
     "Denver-based Front Range Health said {when} it would acquire Mercy Peak Hospitals in a 2.3 billion dollar deal, according to its chief executive, Laura Whitfield."]),
   (7, "Colorado attorney general opens review of hospital merger", [
     "Colorado Attorney General Ben Ortega opened a review of the merger {when}, citing concern over prices in the Denver area.",
     "Attorney General Ben Ortega said {when} that his office would review the hospital deal because of its effect on prices."]),
   (16, "Nurses' union opposes Front Range–Mercy Peak merger", [
     "The state's largest nurses' union came out against the merger {when}, warning of cuts to staff.",
     "Nurses said {when} that the merger would lead to staff cuts and longer waits, and urged regulators to block it."]),
   (29, "Ortega demands price caps as condition for hospital merger", [
     "Ben Ortega said {when} he would only approve the merger if prices were capped for five years.",
     "The attorney general demanded a five-year cap on prices {when} as a condition for letting the deal go ahead."]),
   (37, "Front Range Health accepts price caps; merger cleared", [
     "Front Range Health accepted the price caps {when}, and the attorney general cleared the merger.",
     "Laura Whitfield said {when} that the company accepted the five-year price caps, clearing the way for the deal."]),
  ]},
 {"id": "colorado-river-deal", "start": "2025-08-18", "articles": 6,
  "background": [
   "The Colorado River supplies water to about 40 million people in seven states.",
   "Lake Mead has fallen to about a third of its capacity.",
  ],
  "facts": [
   (0, "Seven states near deal on Colorado River water cuts", [
     "Negotiators for the seven Colorado River states said {when} they were close to a deal on cutting water use by 13 percent.",
     "The seven states that share the Colorado River are close to agreeing a 13 percent cut in water use, negotiators said {when}."]),
   (9, "Arizona balks at share of Colorado River cuts", [
     "Arizona rejected its share of the proposed cuts {when}, saying its farmers would bear most of the burden.",
     "Officials in Arizona said {when} they could not accept the proposed cuts because farmers would carry too much of the load."]),
   (20, "Colorado River states sign water-sharing agreement", [
     "The seven states signed an agreement {when} to cut water use by 12 percent over three years.",
     "A deal to reduce water use by 12 percent over three years was signed {when} by all seven states."]),
  ]},
 {"id": "tessaro-layoffs", "start": "2025-10-06", "articles": 7,
  "background": [
   "Tessaro Semiconductors makes chips for cars and factory robots.",
   "Dresden's chip cluster, known as Silicon Saxony, employs about 80,000 people.",
  ],
  "facts": [
   (0, "Chipmaker Tessaro to cut 1,200 jobs in Dresden", [
     "Tessaro Semiconductors will cut 1,200 jobs at its plant in Dresden, chief executive Markus Lehmann said {when}, blaming weak demand from carmakers.",
     "Markus Lehmann, chief executive of Tessaro Semiconductors, said {when} that 1,200 jobs would go at the Dresden plant because carmakers were ordering fewer chips."]),
   (2, "Saxony offers help to keep Tessaro jobs in Dresden", [
     "The Saxony state government offered {when} to pay for short-time work to save some of the Tessaro jobs.",
     "Saxony's economy ministry proposed {when} to fund short-time work at Tessaro to limit the job cuts."]),
   (14, "Tessaro workers strike in Dresden over job cuts", [
     "Workers at the Tessaro plant in Dresden staged a one-day strike {when} against the job cuts.",
     "A one-day strike at the Dresden plant {when} protested against the planned cuts."]),
   (21, "Tessaro and union agree to 800 job cuts instead of 1,200", [
     "Tessaro and the IG Metall union agreed {when} to limit the cuts to 800 jobs, with short-time work for the rest.",
     "An agreement reached {when} reduces the job cuts at Tessaro to 800, Markus Lehmann said."]),
  ]},
 {"id": "dresden-mayor-election", "start": "2025-10-13", "articles": 6,
  "background": [
   "Dresden elects its mayor directly for a term of seven years.",
   "The incumbent mayor is not running again after two terms.",
  ],
  "facts": [
   (0, "Dresden mayoral race opens with five candidates", [
     "Five candidates registered for the Dresden mayoral election {when}, with Green candidate Katrin Vogel and Christian Democrat Stefan Braun seen as front-runners.",
     "The race for mayor of Dresden opened {when} with five candidates, led by the Green Katrin Vogel and the Christian Democrat Stefan Braun."]),
   (10, "Jobs dominate Dresden mayoral debate", [
     "Katrin Vogel and Stefan Braun clashed over jobs and the chip industry in a televised debate {when}.",
     "In a televised debate {when}, the two leading candidates argued about how to keep chip jobs in the city."]),
   (20, "Vogel wins Dresden mayoral election", [
     "Katrin Vogel won the Dresden mayoral election {when} with 54 percent of the vote in the run-off.",
     "The Green candidate Katrin Vogel was elected mayor of Dresden {when}, taking 54 percent in the run-off."]),
  ]},
 {"id": "nordair-pilot-strike", "start": "2025-06-16", "articles": 8,
  "background": [
   "NordAir carries about 12 million passengers a year from its base at Oslo Gardermoen.",
   "The airline's pilots have not had a pay rise above inflation since 2019.",
  ],
  "facts": [
   (0, "NordAir pilots strike, grounding 200 flights", [
     "Pilots at NordAir went on strike {when}, forcing the airline to cancel about 200 flights from Oslo.",
     "About 200 NordAir flights were cancelled {when} as the airline's pilots walked out at Oslo Gardermoen."]),
   (2, "NordAir strike strands 30,000 passengers at start of holidays", [
     "The strike has stranded about 30,000 passengers, NordAir said {when}, at the start of the summer holidays.",
     "NordAir said {when} that 30,000 travellers were stranded as the pilots' strike entered its third day."]),
   (5, "Norway's government orders arbitration in NordAir dispute", [
     "The Norwegian government ordered compulsory arbitration {when}, ending the strike.",
     "Compulsory arbitration was ordered {when} by the government in Oslo, forcing the pilots back to work."]),
   (33, "Arbitration board gives NordAir pilots 5.5% rise", [
     "The arbitration board awarded NordAir pilots a pay rise of 5.5 percent {when}.",
     "NordAir's pilots will get a 5.5 percent pay rise, the arbitration board ruled {when}."]),
  ]},
 {"id": "oslo-tunnel-opening", "start": "2025-06-23", "articles": 5,
  "background": [
   "The tunnel took six years to build and cost 9 billion kroner.",
   "Oslo has promised to cut traffic emissions by 95 percent by 2030.",
  ],
  "facts": [
   (0, "Oslo opens Bjørvika rail tunnel after six years of work", [
     "Oslo opened the new Bjørvika rail tunnel {when}, cutting the trip from the airport to the city centre by seven minutes.",
     "The Bjørvika rail tunnel opened {when}, shortening journeys from Gardermoen to central Oslo by seven minutes."]),
   (4, "Signal fault halts trains in new Oslo tunnel", [
     "A signal fault stopped all trains in the Bjørvika tunnel for three hours {when}, four days after it opened.",
     "Trains were halted in the new tunnel for three hours {when} because of a signal fault."]),
  ]},
 {"id": "porto-museum-theft", "start": "2025-11-03", "articles": 9,
  "background": [
   "The Museu Nacional Soares dos Reis is Portugal's oldest public art museum.",
   "Art thefts are rarely solved; most stolen paintings are never recovered.",
  ],
  "facts": [
   (0, "Three paintings stolen from Porto's Soares dos Reis museum", [
     "Thieves stole three 19th-century paintings from the Museu Nacional Soares dos Reis in Porto {when}, police inspector Rui Carvalho said.",
     "Three 19th-century paintings were taken from the Soares dos Reis museum in Porto {when}, according to police inspector Rui Carvalho."]),
   (1, "Porto museum thieves disabled alarm, police say", [
     "The thieves had disabled part of the alarm system before entering through a roof window, Rui Carvalho said {when}.",
     "Police said {when} that the thieves cut part of the alarm system and came in through a roof window."]),
   (12, "Two arrested over Porto museum theft", [
     "Police arrested two men in Vila Nova de Gaia {when} in connection with the museum theft.",
     "Two men were arrested {when} in Vila Nova de Gaia over the theft from the Soares dos Reis museum."]),
   (26, "Stolen paintings found in Porto warehouse", [
     "Police found the three stolen paintings undamaged in a warehouse near the port of Leixões {when}.",
     "The three paintings were recovered {when} from a warehouse near Leixões, inspector Rui Carvalho said."]),
  ]},
 {"id": "ghent-rail-crash", "start": "2025-01-20", "articles": 8,
  "background": [
   "Belgium's last deadly train crash, at Buizingen in 2010, killed 19 people.",
   "The line between Ghent and Brussels is one of the busiest in the country.",
  ],
  "facts": [
   (0, "Two trains collide near Ghent, injuring 40", [
     "Two passenger trains collided near Ghent-Sint-Pieters station {when}, injuring 40 people, the rail operator SNCB said.",
     "A collision between two passenger trains near Ghent-Sint-Pieters {when} left 40 people injured, according to SNCB."]),
   (1, "Investigators examine signals after Ghent train collision", [
     "Investigators said {when} that one of the trains appeared to have passed a red signal.",
     "One train seems to have run a red signal, the accident investigators said {when}."]),
   (3, "Ghent line reopens after train crash", [
     "The line between Ghent and Brussels reopened {when} after the damaged carriages were removed.",
     "Trains between Ghent and Brussels ran again {when}, SNCB said."]),
   (40, "Report blames missing safety system for Ghent crash", [
     "The investigators' report found {when} that the automatic braking system had not been installed on the older train.",
     "A report published {when} said the older train lacked the automatic braking system that would have stopped it."]),
  ]},
 {"id": "antwerp-cocaine-seizure", "start": "2025-03-17", "articles": 6,
  "background": [
   "Antwerp is Europe's main entry point for cocaine, with more than 100 tonnes seized some years.",
   "Customs officers scan only a small share of the containers that arrive in the port.",
  ],
  "facts": [
   (0, "Customs seize 8 tonnes of cocaine in Antwerp port", [
     "Belgian customs seized 8 tonnes of cocaine hidden in a shipment of bananas in the port of Antwerp {when}.",
     "Eight tonnes of cocaine hidden among bananas were found by customs officers in Antwerp {when}."]),
   (4, "Dockworkers arrested in Antwerp cocaine investigation", [
     "Police arrested six dockworkers {when} suspected of helping to move the cocaine out of the port.",
     "Six port workers were arrested {when} on suspicion of helping smugglers get the drugs past customs."]),
   (11, "Antwerp to scan every container from high-risk routes", [
     "The port of Antwerp said {when} that it would scan every container arriving from high-risk routes from next year.",
     "From next year every container from high-risk routes will be scanned in Antwerp, the port announced {when}."]),
  ]},
 {"id": "eu-fishing-quota", "start": "2025-12-08", "articles": 6,
  "background": [
   "Catch limits for the North Sea and the Atlantic are set each December.",
   "Scientists have warned that cod stocks in the North Sea remain fragile.",
  ],
  "facts": [
   (0, "EU fisheries ministers meet in Brussels over 2026 quotas", [
     "EU fisheries ministers began two days of talks in Brussels {when} on catch limits for 2026, with a proposed 20 percent cut for North Sea cod.",
     "Talks on next year's catch limits opened in Brussels {when}, with the Commission proposing to cut the North Sea cod quota by 20 percent."]),
   (1, "Fishing nations push back on cod cut", [
     "France, Spain and the Netherlands opposed the cod cut {when}, saying it would tie up hundreds of boats.",
     "Ministers from France, Spain and the Netherlands argued {when} against the cut in the cod quota."]),
   (2, "EU agrees 2026 fishing quotas with 12% cut for cod", [
     "Ministers agreed the 2026 quotas early {when}, settling on a 12 percent cut for North Sea cod.",
     "After an all-night session, the ministers agreed {when} to cut the cod quota by 12 percent."]),
  ]},
]

OUTLETS = [
  ("Meridian Wire", "meridianwire.example", "wire"),
  ("Northern Ledger", "ledger.example", "paper"),
  ("Harbor Daily", "harbordaily.example", "paper"),
  ("Civic Post", "civicpost.example", "web"),
  ("Lakeside Courier", "lakesidecourier.example", "paper"),
]

# Expected timelines (hand-built from the facts above): the dates of the
# story's dated facts that its articles report.
TIMELINE_STORIES = ["rotterdam-port-strike", "valencia-drought", "denver-hospital-merger",
                    "porto-museum-theft", "nairobi-marathon-doping", "ghent-rail-crash",
                    "tessaro-layoffs"]
