[COURSE HEADER]
VERSION = 2
UNITS = ENGLISH
DESCRIPTION = Classic sweet-spot session for base season. Stay seated, smooth pedalling. Three long sweet-spot efforts with short recoveries.
FILE NAME = sweet-spot-3x15.mrc
MINUTES PERCENT
[END COURSE HEADER]
[COURSE DATA]
0.000000	50
10.000000	75
10.000000	95
13.000000	95
13.000000	55
15.000000	55
15.000000	90.5
30.000000	90.5
30.000000	55
35.000000	55
35.000000	90.5
50.000000	90.5
50.000000	55
55.000000	55
55.000000	90.5
70.000000	90.5
70.000000	55
75.000000	55
75.000000	65
85.000000	45
[END COURSE DATA]
[COURSE TEXT]
0	85-95 rpm	10
600	Openers	10
900	Sweet spot: 85-95 rpm	10
1350	Halfway: stay smooth	10
1800	Recovery	10
2100	Sweet spot: 85-95 rpm	10
2550	Halfway: stay smooth	10
3000	Recovery	10
3300	Sweet spot: 85-95 rpm	10
3750	Halfway: stay smooth	10
4200	Recovery	10
[END COURSE TEXT]
