# axon claim --plot — tornado (left) and waterfall (right) of a claim.
# Driven by `axon claim` (cli/cmd_claim.c), which sets with -e:
#   datafile  block 0: one bar per (assumption, field): ylo yhi xlo xhi field
#             block 1: the waterfall: step, then one column per field
#   outfile, term ('png' or 'svg'), plottitle
#   names     the fields, space-separated; nmetric their number
#   ytics_cmd, xtics_cmd  the assumption labels; targets_cmd  target lines
if (term eq 'svg') {
    set terminal svg size 1400,700 dynamic font 'DejaVu Sans,12' background rgb 'white'
} else {
    set terminal pngcairo size 1600,800 font 'DejaVu Sans,12' background rgb 'white'
}
set termoption noenhanced
set output outfile
array C[8] = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442']
set multiplot layout 1,2 title plottitle font ',14'
# tornado: each assumption alone, change vs the base
set title 'each assumption alone: change vs the base (percentage points)'
set xlabel ''
set grid xtics lc rgb '#b8b8b8' dt 3
set key below horizontal box
eval(ytics_cmd)
set xzeroaxis lw 1.5
set style fill solid 0.85 border -1
plot for [m=1:nmetric] datafile index 0 using (($5 == m) ? ($3 + $4) / 2 : NaN):(($1 + $2) / 2):3:4:1:2 \
     with boxxyerror lc rgb C[m] title word(names, m)
unset arrow
set ytics auto
set xzeroaxis lw 1
# waterfall: cumulative, in order; dashed lines are the claim's targets
set title 'assumptions applied cumulatively (dashed: the claim)'
set xlabel ''
set ylabel 'value'
set grid xtics ytics lc rgb '#b8b8b8' dt 3
set key below horizontal box
eval(xtics_cmd)
eval(targets_cmd)
set offsets graph 0.03, graph 0.03, graph 0.08, graph 0.08
plot for [m=1:nmetric] datafile index 1 using 1:(column(m + 1)) with linespoints lw 2.2 pt 7 \
     ps 1.3 lc rgb C[m] title word(names, m)
unset multiplot
