"""The parser on questions over three Explores (issue 17): tuning sets it is tuned on,
and a held-out set written before the parser changes, by a session that saw only each
Explore's fields and values (tests/fixtures/ask_explores.md), and never tuned on. Each set
was written by its own session from that file alone.

Both figures are printed at the end of the test run. The held-out set's misses are not
printed: reading them would be tuning on it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from lookerbot.ask.spec import QuerySpec
from tests.ask_eval import Report, evaluate, load
from tests.ask_support import (
    EVALUATION,
    HELDOUT,
    HELDOUT2,
    TUNING,
    TUNING2,
    TUNING3,
    TUNING4,
    TUNING5,
    TUNING6,
    TUNING7,
    TUNING8,
    TUNING9,
    TUNING10,
    TUNING11,
    TUNING12,
    TUNING13,
    TUNING14,
    TUNING15,
    TUNING16,
    TUNING17,
    TUNING18,
    TUNING19,
    TUNING20,
    TUNING21,
    TUNING22,
    TUNING23,
    TUNING24,
    TUNING25,
    TUNING26,
    TUNING27,
    TUNING28,
    TUNING29,
    TUNING30,
    TUNING31,
    TUNING32,
    TUNING33,
    TUNING34,
    TUNING35,
    TUNING36,
    TUNING37,
    TUNING38,
    TUNING39,
    TUNING40,
    TUNING41,
    TUNING42,
    TUNING43,
    TUNING44,
    TUNING45,
    TUNING46,
    TUNING47,
    TUNING48,
    TUNING49,
    TUNING50,
    TUNING51,
    TUNING52,
    TUNING53,
    TUNING54,
    TUNING55,
    TUNING56,
    TUNING57,
    TUNING58,
    TUNING59,
    TUNING60,
    TUNING61,
    TUNING62,
    TUNING63,
    TUNING64,
    TUNING65,
    TUNING66,
    TUNING67,
    TUNING68,
    TUNING69,
    TUNING70,
    TUNING71,
    TUNING72,
    TUNING73,
    TUNING74,
    TUNING75,
    TUNING76,
    TUNING77,
    TUNING78,
    TUNING79,
    TUNING80,
    TUNING81,
    TUNING82,
    TUNING83,
    TUNING84,
    TUNING85,
    TUNING86,
    TUNING87,
    TUNING88,
    TUNING89,
    TUNING90,
    TUNING91,
    TUNING92,
    TUNING93,
    TUNING94,
    TUNING95,
    TUNING96,
    TUNING97,
    TUNING98,
    TUNING99,
    TUNING100,
    TUNING101,
    TUNING102,
    TUNING103,
    TUNING104,
    TUNING105,
    TUNING106,
    TUNING107,
    TUNING108,
    TUNING109,
    TUNING110,
    TUNING111,
    TUNING112,
    TUNING113,
    TUNING114,
    TUNING115,
    TUNING116,
    TUNING117,
    TUNING118,
    TUNING119,
    TUNING120,
    TUNING121,
    TUNING122,
    TUNING123,
    TUNING124,
    TUNING125,
    TUNING126,
    TUNING127,
    TUNING128,
    TUNING129,
    TUNING130,
    TUNING131,
    TUNING132,
    TUNING133,
    TUNING134,
    TUNING135,
    TUNING136,
    TUNING137,
    TUNING138,
    TUNING139,
    TUNING140,
    TUNING141,
    TUNING142,
    TUNING143,
    TUNING144,
    TUNING145,
    TUNING146,
    TUNING147,
    TUNING148,
    TUNING149,
    TUNING150,
    TUNING151,
    TUNING152,
    TUNING153,
    TUNING154,
    TUNING155,
    TUNING156,
    TUNING157,
    TUNING158,
    TUNING159,
    TUNING160,
    TUNING161,
    TUNING162,
    TUNING163,
    TUNING164,
    TUNING165,
    TUNING166,
    TUNING167,
    TUNING168,
    TUNING169,
    TUNING170,
    TUNING171,
    TUNING172,
    TUNING173,
    TUNING174,
    TUNING175,
    TUNING176,
    TUNING177,
    TUNING178,
    TUNING179,
    TUNING180,
    TUNING181,
    TUNING182,
    explore_question,
)

# Floors, not goals (the goals, >= 90% exact and <= 2% wrong on the held-out set, are in
# the README beside what was measured): a change that makes the parser worse fails here.
TUNING_FLOOR = {"exact": 0.80, "wrong": 0.03}
HELDOUT_FLOOR = {"exact": 0.65, "wrong": 0.12}
TUNING_FLOORS = {
    TUNING: TUNING_FLOOR,
    TUNING2: TUNING_FLOOR,
    TUNING3: {"exact": 0.65, "wrong": 0.05},
    TUNING4: {"exact": 0.65, "wrong": 0.05},
    TUNING5: {"exact": 0.65, "wrong": 0.05},
    TUNING6: {"exact": 0.60, "wrong": 0.05},
    TUNING7: {"exact": 0.70, "wrong": 0.05},
    TUNING8: {"exact": 0.45, "wrong": 0.05},  # 40% of it has no query to expect
    # 40% of it has none; added untuned at first contact (56.0% / 4.0%)
    TUNING9: {"exact": 0.45, "wrong": 0.08},
    TUNING10: {"exact": 0.55, "wrong": 0.05},  # 30% of it has none
    TUNING11: {"exact": 0.50, "wrong": 0.05},  # 40% of its questions have none
    # 30% of it has none; added untuned at first contact (68.0% / 2.0%)
    TUNING12: {"exact": 0.55, "wrong": 0.06},
    # half of it has none; added untuned at first contact (48.0% / 8.0%)
    TUNING13: {"exact": 0.40, "wrong": 0.10},
    # fresh checks, never tuned on: 65.0% / 1.7% and 68.0% / 4.0% with the first commit of
    # the session that had them written, 71.7% / 0.0% and 68.0% / 4.0% with its last
    TUNING17: {"exact": 0.65, "wrong": 0.03},
    TUNING18: {"exact": 0.62, "wrong": 0.06},
    # 30% of it has none; first contact 50.0% / 0.0%, tuned to 70.0% / 0.0%
    TUNING14: {"exact": 0.65, "wrong": 0.03},
    # 17% of it has none; first contact 75.0% / 5.0%, tuned to 83.3% / 0.0%
    TUNING15: {"exact": 0.78, "wrong": 0.03},
    # 20% of it has none; first contact 65.0% / 5.0%, tuned to 80.0% / 0.0%
    TUNING16: {"exact": 0.75, "wrong": 0.03},
    # a third of it has none; first contact 58.3% / 8.3%, tuned to 66.7% / 1.7%
    TUNING19: {"exact": 0.60, "wrong": 0.04},
    # 30% of it has none; first contact 0.0% / 0.0% (no multi-sentence reading), tuned to 62.0%
    TUNING20: {"exact": 0.55, "wrong": 0.03},
    # 30% of it has none; first contact 60.0% / 6.0%, tuned to 68.0% / 0.0%
    TUNING21: {"exact": 0.62, "wrong": 0.03},
    # 30% of it has none; first contact 58.0% / 6.0%, tuned to 62.0% / 0.0%
    TUNING22: {"exact": 0.56, "wrong": 0.03},
    # a quarter has none; first contact 64.0% / 2.0%, tuned to 72.0% / 0.0% (periods before
    # an Explore's first day are declined since)
    TUNING23: {"exact": 0.65, "wrong": 0.03},
    # a fifth has none; 80.0% / 0.0% at first contact, every answerable question exact
    TUNING24: {"exact": 0.75, "wrong": 0.03},
    # a sixth has none; first contact 70.0% / 3.3%, tuned to 81.7% / 0.0%
    TUNING25: {"exact": 0.75, "wrong": 0.03},
    # Four general sets in the held-out set's proportions (an eighth has none), first
    # contact with 16d5fb8: 82.5% / 1.2%, 83.8% / 2.5%, 52.5% / 2.5% (people's own words
    # for things) and 78.8% / 3.8%
    TUNING26: {"exact": 0.78, "wrong": 0.03},
    TUNING27: {"exact": 0.78, "wrong": 0.03},
    TUNING28: {"exact": 0.48, "wrong": 0.03},
    TUNING29: {"exact": 0.74, "wrong": 0.04},
    # Four more of them, first contact with 76b2a78: 71.2% / 11.2% (two measures at
    # once, lists of names), 46.2% / 2.5% (a manager's words), 71.2% / 5.0%, 82.5% / 0.0%
    TUNING30: {"exact": 0.76, "wrong": 0.03},
    TUNING31: {"exact": 0.42, "wrong": 0.03},
    TUNING32: {"exact": 0.74, "wrong": 0.03},
    TUNING33: {"exact": 0.78, "wrong": 0.03},
    # And four more, first contact with 29b5fb7: 65.0% / 13.8% (several measures at
    # once, lists), 80.0% / 2.5%, 76.2% / 3.8%, 56.2% / 5.0% (conditions on measures)
    TUNING34: {"exact": 0.74, "wrong": 0.03},
    TUNING35: {"exact": 0.75, "wrong": 0.04},
    TUNING36: {"exact": 0.73, "wrong": 0.03},
    TUNING37: {"exact": 0.55, "wrong": 0.04},
    # And four more, first contact with c87e803: 52.5% / 21.2% (rows of named fields,
    # which ask did not list), 68.8% / 11.2% (lists of values), 61.3% / 2.5%, 85.0% / 0.0%
    TUNING38: {"exact": 0.64, "wrong": 0.04},
    TUNING39: {"exact": 0.72, "wrong": 0.04},
    TUNING40: {"exact": 0.58, "wrong": 0.03},
    TUNING41: {"exact": 0.80, "wrong": 0.03},
    # The issue's own list of phrasings, and three roles, first contact with 45009fe:
    # 78.8% / 1.2%, 76.2% / 5.0%, 85.0% / 0.0%, 86.2% / 0.0%
    TUNING42: {"exact": 0.74, "wrong": 0.03},
    TUNING43: {"exact": 0.75, "wrong": 0.03},
    TUNING44: {"exact": 0.80, "wrong": 0.03},
    TUNING45: {"exact": 0.80, "wrong": 0.03},
    # And four more, first contact with 83b8672: 85.0% / 0.0% (follow-ups 30 of 40, one
    # wrong), 81.2% / 1.2%, 82.5% / 0.0%, 72.5% / 2.5%
    TUNING46: {"exact": 0.80, "wrong": 0.03},
    TUNING47: {"exact": 0.76, "wrong": 0.03},
    TUNING48: {"exact": 0.78, "wrong": 0.03},
    TUNING49: {"exact": 0.68, "wrong": 0.03},
    # And four more, first contact with 4159b35: 85.0% / 0.0% (follow-ups 31 of 32
    # answerable, one wrong), 81.2% / 1.2%, 62.5% / 6.2% (half-answerable questions),
    # 82.5% / 1.2%
    TUNING50: {"exact": 0.80, "wrong": 0.03},
    TUNING51: {"exact": 0.76, "wrong": 0.03},
    TUNING52: {"exact": 0.60, "wrong": 0.03},
    TUNING53: {"exact": 0.78, "wrong": 0.03},
    # And four more, first contact with 22b8b1c: 87.5% / 0.0% (every answerable question
    # exact), 78.8% / 0.0%, 48.8% / 6.2% (described, not named), 57.5% / 13.8% (lists)
    TUNING54: {"exact": 0.82, "wrong": 0.03},
    TUNING55: {"exact": 0.76, "wrong": 0.03},
    TUNING56: {"exact": 0.45, "wrong": 0.07},
    TUNING57: {"exact": 0.60, "wrong": 0.06},
    # And six more, first contact with 3836d0e: 83.8% / 1.2% (everyday), 65.0% / 1.2%
    # (a third near-misses), 78.8% / 0.0% (terse), 60.0% / 3.8% (named things),
    # 87.5% / 0.0% (time), 5.0% / 0.0% (chatty messages: 66 of 70 answerable declined; 57.5%
    # now)
    TUNING58: {"exact": 0.80, "wrong": 0.03},
    TUNING59: {"exact": 0.60, "wrong": 0.03},
    TUNING60: {"exact": 0.74, "wrong": 0.03},
    TUNING61: {"exact": 0.56, "wrong": 0.05},
    TUNING62: {"exact": 0.82, "wrong": 0.03},
    TUNING63: {"exact": 0.54, "wrong": 0.03},
    # And three more, first contact with the next commit (three readings from 61 and
    # 29 fixed): 86.2% / 0.0%, 81.2% / 0.0%, 86.2% / 0.0%
    TUNING64: {"exact": 0.82, "wrong": 0.03},
    TUNING65: {"exact": 0.76, "wrong": 0.03},
    TUNING66: {"exact": 0.82, "wrong": 0.03},
    # And four more, first contact with ca110b1: 67.5% / 0.0% (friendly messages), 83.8% /
    # 0.0% (everyday), 65.0% / 6.2% (lists and rows; follow-ups 13 of 14, one wrong),
    # 57.5% / 5.0% (half answerable)
    TUNING67: {"exact": 0.64, "wrong": 0.03},
    TUNING68: {"exact": 0.80, "wrong": 0.03},
    TUNING69: {"exact": 0.62, "wrong": 0.07},
    TUNING70: {"exact": 0.54, "wrong": 0.06},
    # And four more, first contact with dcf561c: 82.5% / 0.0% (an ordinary week), 71.2% /
    # 7.5% (words read two ways), 87.5% / 0.0% (threads: follow-ups 29 of 36 answerable,
    # one wrong), 75.0% / 0.0% (rates and durations)
    TUNING71: {"exact": 0.78, "wrong": 0.03},
    TUNING72: {"exact": 0.76, "wrong": 0.03},
    TUNING73: {"exact": 0.84, "wrong": 0.03},
    TUNING74: {"exact": 0.72, "wrong": 0.03},
    # And four more, first contact with d5f33c1: 52.5% / 10.0% (lists and rows), 82.5% /
    # 1.2% (easy to misread; follow-ups: one wrong), 43.8% / 12.5% (a third asking what
    # cannot be answered beside what can), 80.0% / 0.0% (a new hire)
    TUNING75: {"exact": 0.48, "wrong": 0.10},
    TUNING76: {"exact": 0.78, "wrong": 0.03},
    TUNING77: {"exact": 0.44, "wrong": 0.08},
    TUNING78: {"exact": 0.76, "wrong": 0.03},
    # And four more, first contact with 684ea2e (80: d2c22c3; 82: 4eacf3d): 65.0% / 6.2%
    # (several things at once), 56.2% / 11.2% (lists and rows), 83.8% / 1.2% (everyday),
    # 85.0% / 2.5% (threads: follow-ups 33 of 39 answerable, one wrong)
    TUNING79: {"exact": 0.66, "wrong": 0.03},
    TUNING80: {"exact": 0.54, "wrong": 0.10},
    TUNING81: {"exact": 0.80, "wrong": 0.03},
    TUNING82: {"exact": 0.80, "wrong": 0.05},
    # And four more, first contact with cdb1d30 (85, 86: 55e5360): 83.8% / 0.0%
    # (everyday), 55.0% / 17.5% (lists, rows and several measures; follow-ups: one wrong),
    # 65.0% / 0.0% (quick messages), 66.2% / 1.2% (near-misses)
    TUNING83: {"exact": 0.80, "wrong": 0.03},
    TUNING84: {"exact": 0.54, "wrong": 0.17},
    TUNING85: {"exact": 0.62, "wrong": 0.03},
    TUNING86: {"exact": 0.64, "wrong": 0.03},
    # And four more, first contact with f2a04e6: 75.0% / 1.2% (the language, as
    # a tester), 81.2% / 1.2% (the same, typed by a team, with threads), 83.8% / 1.2%
    # (everyday), 67.5% / 0.0% (almost answerable)
    TUNING87: {"exact": 0.73, "wrong": 0.03},
    TUNING88: {"exact": 0.79, "wrong": 0.03},
    TUNING89: {"exact": 0.81, "wrong": 0.03},
    TUNING90: {"exact": 0.65, "wrong": 0.03},
    # And four more, first contact with 100+ read (92, 93, 94) and one reading later
    # (91): 81.2% / 2.5% (finance and sales), 83.8% / 0.0% (support and a PM), 82.5% /
    # 0.0% (first messages, threads), 85.0% / 0.0% (an analyst's wordings)
    TUNING91: {"exact": 0.79, "wrong": 0.03},
    TUNING92: {"exact": 0.81, "wrong": 0.03},
    TUNING93: {"exact": 0.80, "wrong": 0.03},
    TUNING94: {"exact": 0.83, "wrong": 0.03},
    # And four more, first contact after 92de86a (with readings not made for them):
    # 83.8% / 2.5%, follow-ups one wrong (words read two ways), 76.2% / 5.0%, follow-ups
    # two wrong (several things at once), 83.8% / 1.2% (heads of department), 76.2% /
    # 1.2% (time)
    TUNING95: {"exact": 0.81, "wrong": 0.03},
    TUNING96: {"exact": 0.74, "wrong": 0.05},
    TUNING97: {"exact": 0.81, "wrong": 0.03},
    TUNING98: {"exact": 0.74, "wrong": 0.03},
    # And four more, first contact with b960d93 and d50cae1 (100: b960d93): 46.2% / 7.5%
    # (lists and rows), 83.8% / 1.2% (comparisons), 87.5% / 0.0%, follow-ups one wrong
    # (threads), 80.0% / 2.5% (the language)
    TUNING99: {"exact": 0.46, "wrong": 0.06},
    TUNING100: {"exact": 0.82, "wrong": 0.03},
    TUNING101: {"exact": 0.85, "wrong": 0.03},
    TUNING102: {"exact": 0.80, "wrong": 0.03},
    # And four more, first contact with 477c701 (103, 105, 106 also with the next
    # reading, "us only"): 80.0% / 0.0% (the language, messy), 78.8% / 1.2% (in a
    # hurry), 80.0% / 0.0%, follow-ups one wrong (named things), 85.0% / 0.0%,
    # follow-ups one wrong (the follow-ups)
    TUNING103: {"exact": 0.78, "wrong": 0.03},
    TUNING104: {"exact": 0.77, "wrong": 0.03},
    TUNING105: {"exact": 0.78, "wrong": 0.03},
    TUNING106: {"exact": 0.83, "wrong": 0.03},
    # And four more, first contact with cd91ad3 (108, 109 also with the next reading,
    # "acct"): 86.2% / 0.0%, follow-ups one wrong (sales operations), 83.8% / 0.0%
    # (support and finance), 86.2% / 0.0% (second month), 80.0% / 1.2% (on a phone)
    TUNING107: {"exact": 0.84, "wrong": 0.03},
    TUNING108: {"exact": 0.82, "wrong": 0.03},
    TUNING109: {"exact": 0.84, "wrong": 0.03},
    TUNING110: {"exact": 0.80, "wrong": 0.03},
    # And four more, first contact with d2edbac (111, 114 also with the two readings made
    # for 113): 82.5% / 3.8% (the language, marketing), 85.0% / 0.0% (a board
    # pack), 82.5% / 2.5% (words read two ways), 67.5% / 12.5% (several things at once;
    # five of its ten expect no time sort beside a pivot, where another set sorts)
    TUNING111: {"exact": 0.83, "wrong": 0.03},
    TUNING112: {"exact": 0.83, "wrong": 0.03},
    TUNING113: {"exact": 0.82, "wrong": 0.03},
    TUNING114: {"exact": 0.68, "wrong": 0.11},
    # And four more, first contact with 95e89bf (115 also with the next reading, a first
    # clause of what is not wanted): 86.2% / 0.0% (the language, finance), 76.2% /
    # 0.0% (the language, late at night), 53.8% / 5.0% (lists and rows), 85.0% /
    # 0.0% (a support team lead)
    TUNING115: {"exact": 0.84, "wrong": 0.03},
    TUNING116: {"exact": 0.74, "wrong": 0.03},
    TUNING117: {"exact": 0.54, "wrong": 0.04},
    TUNING118: {"exact": 0.83, "wrong": 0.03},
    # And eight more, first contact with 32702f9: 81.2% / 0.0% (the language, a
    # sales manager), 85.0% / 1.2% (customer success), 85.0% / 1.2% (two or three phrasings
    # each), 85.0% / 1.2% (a merchandiser), 83.8% / 0.0% (a VP of support), 46.2% / 1.2%
    # (context before the question: "for the QBR deck, ..."), 83.8% / 0.0% (look-alikes to
    # decline), 82.5% / 0.0% (12 threads; no follow-up wrong in any of the eight)
    TUNING119: {"exact": 0.80, "wrong": 0.03},
    TUNING120: {"exact": 0.85, "wrong": 0.03},
    TUNING121: {"exact": 0.84, "wrong": 0.03},
    TUNING122: {"exact": 0.85, "wrong": 0.03},
    TUNING123: {"exact": 0.83, "wrong": 0.03},
    TUNING124: {"exact": 0.75, "wrong": 0.03},
    TUNING125: {"exact": 0.83, "wrong": 0.03},
    TUNING126: {"exact": 0.83, "wrong": 0.03},
    # And eight more, first contact with a933eff: 86.2% / 0.0% (half-sentences), 81.2% /
    # 0.0% (several kinds at once), 68.8% / 1.2% (not analysts), 75.0% / 1.2% (rankings),
    # 78.8% / 1.2% (values), 81.2% / 2.5% (time), 67.5% / 1.2% (shares and pivots; its
    # wrong one is "churned subs by ...", read as the churned count where this set filters
    # the status: the sets disagree), 85.0% / 0.0% and two follow-ups wrong (12 threads)
    TUNING127: {"exact": 0.84, "wrong": 0.03},
    TUNING128: {"exact": 0.80, "wrong": 0.03},
    TUNING129: {"exact": 0.68, "wrong": 0.03},
    TUNING130: {"exact": 0.75, "wrong": 0.03},
    TUNING131: {"exact": 0.78, "wrong": 0.03},
    TUNING132: {"exact": 0.82, "wrong": 0.03},
    TUNING133: {"exact": 0.66, "wrong": 0.03},
    TUNING134: {"exact": 0.83, "wrong": 0.03},
    # And eight more, written to the second held-out set's brief (broad and representative,
    # each leaning to some of the company), first contact with a560a47: 86.2% / 0.0% and
    # one follow-up wrong ("and why did they churn?" run), 85.0% / 1.2%, 83.8% / 0.0%,
    # 82.5% / 0.0%, 83.8% / 0.0%, 82.5% / 0.0%, 86.2% / 0.0%, 83.8% / 0.0%
    TUNING135: {"exact": 0.85, "wrong": 0.03},
    TUNING136: {"exact": 0.85, "wrong": 0.03},
    TUNING137: {"exact": 0.83, "wrong": 0.03},
    TUNING138: {"exact": 0.83, "wrong": 0.03},
    TUNING139: {"exact": 0.83, "wrong": 0.03},
    TUNING140: {"exact": 0.83, "wrong": 0.03},
    TUNING141: {"exact": 0.85, "wrong": 0.03},
    TUNING142: {"exact": 0.85, "wrong": 0.03},
    # And eight more, written to the first held-out set's brief (the language among
    # everyday questions), first contact with cb70074: 82.5% / 1.2%, 78.8% / 0.0%, 85.0% /
    # 0.0%, 81.2% / 0.0%, 82.5% / 1.2%, 83.8% / 2.5%, 85.0% / 0.0%, 85.0% / 0.0%; no
    # follow-up wrong
    TUNING143: {"exact": 0.82, "wrong": 0.03},
    TUNING144: {"exact": 0.78, "wrong": 0.03},
    TUNING145: {"exact": 0.84, "wrong": 0.03},
    TUNING146: {"exact": 0.80, "wrong": 0.03},
    TUNING147: {"exact": 0.83, "wrong": 0.03},
    TUNING148: {"exact": 0.85, "wrong": 0.03},
    TUNING149: {"exact": 0.84, "wrong": 0.03},
    TUNING150: {"exact": 0.84, "wrong": 0.03},
    # And eight more, first contact with c0859b4: 87.5% / 0.0%, 83.8% / 0.0%, 87.5% / 0.0%,
    # 85.0% / 0.0% (the language), 63.7% / 2.5% and 66.2% / 1.2% (26 look-alikes
    # each: their exact figures count the unanswerable questions), 60.0% / 11.2% (lists and
    # rows: nine asked for each thing's id beside the columns named), 85.0% / 0.0% (threads)
    TUNING151: {"exact": 0.86, "wrong": 0.03},
    TUNING152: {"exact": 0.82, "wrong": 0.03},
    TUNING153: {"exact": 0.86, "wrong": 0.03},
    TUNING154: {"exact": 0.84, "wrong": 0.03},
    TUNING155: {"exact": 0.62, "wrong": 0.03},
    TUNING156: {"exact": 0.65, "wrong": 0.03},
    TUNING157: {"exact": 0.64, "wrong": 0.06},
    TUNING158: {"exact": 0.84, "wrong": 0.03},
    # And eight more, first contact with d4699e1: 82.5% / 0.0%, 85.0% / 0.0%, 86.2% / 1.2%
    # and one follow-up wrong, 83.8% / 0.0%, 87.5% / 0.0%, 85.0% / 0.0%, 66.2% / 0.0% (26
    # look-alikes), 82.5% / 1.2%
    TUNING159: {"exact": 0.82, "wrong": 0.03},
    TUNING160: {"exact": 0.84, "wrong": 0.03},
    TUNING161: {"exact": 0.86, "wrong": 0.03},
    TUNING162: {"exact": 0.83, "wrong": 0.03},
    TUNING163: {"exact": 0.86, "wrong": 0.03},
    TUNING164: {"exact": 0.84, "wrong": 0.03},
    TUNING165: {"exact": 0.65, "wrong": 0.03},
    TUNING166: {"exact": 0.83, "wrong": 0.03},
    # And eight more, first contact with af334e1: 85.0% / 0.0%, 87.5% / 0.0%, 86.2% / 1.2%,
    # 85.0% / 0.0%, 86.2% / 0.0%, 78.8% / 1.2%, 83.8% / 0.0%, 81.2% / 6.2% (two measures
    # at once: "how much ... and how many ..." kept one)
    TUNING167: {"exact": 0.84, "wrong": 0.03},
    TUNING168: {"exact": 0.86, "wrong": 0.03},
    TUNING169: {"exact": 0.85, "wrong": 0.03},
    TUNING170: {"exact": 0.85, "wrong": 0.03},
    TUNING171: {"exact": 0.85, "wrong": 0.03},
    TUNING172: {"exact": 0.78, "wrong": 0.03},
    TUNING173: {"exact": 0.83, "wrong": 0.03},
    TUNING174: {"exact": 0.86, "wrong": 0.03},
    # And eight more, by department, first contact with 748d255: 81.2%, 81.2%, 82.5%,
    # 83.8%, 85.0%, 82.5%, 82.5% (2.5% wrong), 87.5%; no other wrong, no follow-up wrong
    TUNING175: {"exact": 0.80, "wrong": 0.03},
    TUNING176: {"exact": 0.80, "wrong": 0.03},
    TUNING177: {"exact": 0.82, "wrong": 0.03},
    TUNING178: {"exact": 0.83, "wrong": 0.03},
    TUNING179: {"exact": 0.84, "wrong": 0.03},
    TUNING180: {"exact": 0.82, "wrong": 0.03},
    TUNING181: {"exact": 0.84, "wrong": 0.03},
    TUNING182: {"exact": 0.86, "wrong": 0.03},
}


def _set_id(path: Path) -> str:
    held = {HELDOUT: "held-out", HELDOUT2: "held-out-2"}
    return held.get(path, path.stem.removeprefix("ask_"))


def _explores(doc: dict) -> dict:
    today = date.fromisoformat(doc["today"])
    return {key: explore_question(key, today) for key in doc["explores"]}


@pytest.mark.parametrize("path", [*TUNING_FLOORS, HELDOUT, HELDOUT2], ids=_set_id)
def test_the_set_names_only_real_fields_and_values(path):
    doc = load(path)
    explores = _explores(doc)
    entries = [q for q in doc["questions"] if q.get("answerable", True)]
    entries += [
        t | {"explore": c["explore"]}
        for c in doc["conversations"]
        for t in c["turns"]
        if t.get("answerable", True)
    ]
    asked = len(doc["questions"]) + sum(len(c["turns"]) for c in doc["conversations"])
    assert len(doc["questions"]) >= 150 if path in (HELDOUT, HELDOUT2) else asked >= 60
    for q in entries:
        index = explores[q["explore"]].index
        values = explores[q["explore"]].values
        known = {m.value for matches in values.phrases.values() for m in matches}
        for name in [*q["fields"], *q["filters"], *q.get("pivots", [])]:
            assert name in index.fields, (q["question"], name)
        for name, expression in q["filters"].items():
            f = index.fields[name]
            if not f.is_timeframe and not f.is_numeric:
                for part in expression.split(","):
                    assert part.lstrip("-") in known, (q["question"], part)


def _score(path, pytestconfig: pytest.Config, floor: dict[str, float]) -> Report:
    doc = load(path)
    report = evaluate(doc, _explores(doc))
    found = pytestconfig.stash.get(EVALUATION, {})
    found[path.name] = report
    pytestconfig.stash[EVALUATION] = found
    total = report.questions.total
    assert report.questions.exact / total >= floor["exact"]
    assert report.questions.wrong / total <= floor["wrong"]
    return report


@pytest.mark.parametrize("path", list(TUNING_FLOORS), ids=_set_id)
def test_tuning_set(path, pytestconfig: pytest.Config):
    _score(path, pytestconfig, TUNING_FLOORS[path])


def test_held_out_set(pytestconfig: pytest.Config):
    report = _score(HELDOUT, pytestconfig, HELDOUT_FLOOR)
    assert report.follow_ups.total >= 40


def test_second_held_out_set(pytestconfig: pytest.Config):
    report = _score(HELDOUT2, pytestconfig, HELDOUT_FLOOR)
    assert report.follow_ups.total >= 40


def test_an_unanswerable_question_runs_nothing():
    doc = load(HELDOUT)
    explores = _explores(doc)
    from lookerbot.ask.parser import read_question

    today = date.fromisoformat(doc["today"])
    unanswerable = [q for q in load(TUNING)["questions"] if not q.get("answerable", True)]
    ran = [
        q["question"]
        for q in unanswerable
        if isinstance(
            read_question(q["question"], list(explores.values()), today=today)[0], QuerySpec
        )
    ]
    assert len(ran) <= 2, ran
