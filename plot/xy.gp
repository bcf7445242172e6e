# axon plot — one metric against one parameter, a line per series.
# Driven by `axon plot` (cli/cmd_plot.c), which sets with -e:
#   datafile  data blocks separated by two blank lines, one per series; the
#             first line of a block is the series name (column header)
#   outfile   output path; term: 'png' or 'svg'
#   nseries   number of blocks; xlabel, ylabel, plottitle (units in labels)
#   logx, logy  1 for a log axis
if (term eq 'svg') {
    set terminal svg size 960,640 dynamic font 'DejaVu Sans,13' background rgb 'white'
} else {
    set terminal pngcairo size 1200,800 font 'DejaVu Sans,13' background rgb 'white'
}
set termoption noenhanced
set output outfile
set title plottitle font ',15'
set xlabel xlabel
set ylabel ylabel
set grid xtics ytics lc rgb '#b8b8b8' lw 1 dt 3
set border 3 lw 1.2
set tics nomirror out
set key outside right top box opaque Left reverse title keytitle font ',12' spacing 1.3
set mxtics 2
set mytics 2
set format y '%g'
set format x '%g'
set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
# log axes: SI prefixes (1k, 10M) read better than 1e+07
if (logx) { set logscale x; set format x '%.0s%c' }
if (logy) { set logscale y; set format y '%.0s%c' }
# Distinguishable colours (Okabe-Ito) and point shapes, cycled.
array C[8] = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442']
array P[8] = [7, 5, 9, 11, 13, 15, 4, 6]
plot for [i=0:nseries-1] datafile index i using 1:2 with linespoints \
     lw 2.2 pt P[i % 8 + 1] ps 1.4 lc rgb C[i % 8 + 1] title columnheader(1)
